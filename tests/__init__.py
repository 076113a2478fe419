# This file is part of the KZ Investment Platform.
