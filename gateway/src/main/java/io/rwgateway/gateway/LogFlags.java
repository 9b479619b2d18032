package io.rwgateway.gateway;

import picocli.CommandLine.Option;

/** Thanos' {@code --log.level} and {@code --log.format}, shared by every role (a picocli mixin). */
final class LogFlags {
  @Option(
      names = "--log.level",
      defaultValue = "info",
      paramLabel = "<level>",
      description = "Log level: debug, info, warn, error. Default: ${DEFAULT-VALUE}.")
  String level;

  @Option(
      names = "--log.format",
      defaultValue = "logfmt",
      paramLabel = "<logfmt|json>",
      description = "Log line format, as Thanos': logfmt or json. Default: ${DEFAULT-VALUE}.")
  String format;

  /**
   * Sets the level and format.
   *
   * @throws IllegalArgumentException naming a bad value
   */
  void apply() {
    Logging.setLevel(level);
    Logging.setFormat(format);
  }
}
