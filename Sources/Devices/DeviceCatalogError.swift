import Configuration

/// A problem with the devices file, naming the file, the key and the value: the configuration
/// loader's error, since the devices file is read with the configuration's YAML reader.
public typealias DeviceCatalogError = ConfigurationError
