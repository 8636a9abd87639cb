/// Placeholder so the package resolves before the module has code; replaced by the module's first file.
