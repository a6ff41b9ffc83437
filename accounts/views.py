"""Public pages of the registry live in ``views_directory``; staff pages in ``views_registry``."""
