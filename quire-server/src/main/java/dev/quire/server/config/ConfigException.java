package dev.quire.server.config;

/** A configuration value that cannot be used, with a message that says how to fix it. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
