"""The project's own date formats per language (settings.FORMAT_MODULE_PATH); numbers keep Django's."""
