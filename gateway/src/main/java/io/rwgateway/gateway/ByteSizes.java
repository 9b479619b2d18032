package io.rwgateway.gateway;

import picocli.CommandLine;

/**
 * Byte sizes on the command line: 1048576, 512KiB, 16MiB, 1GiB (also KB/MB/GB as powers of 1000).
 */
final class ByteSizes implements CommandLine.ITypeConverter<Integer> {
  @Override
  public Integer convert(String s) {
    String t = s.trim();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw bad(s);
    }
    long n = Long.parseLong(t.substring(0, i));
    long mult;
    switch (t.substring(i).trim()) {
      case "":
      case "B":
        mult = 1;
        break;
      case "KiB":
        mult = 1L << 10;
        break;
      case "MiB":
        mult = 1L << 20;
        break;
      case "GiB":
        mult = 1L << 30;
        break;
      case "KB":
        mult = 1000;
        break;
      case "MB":
        mult = 1000_000;
        break;
      case "GB":
        mult = 1000_000_000;
        break;
      default:
        throw bad(s);
    }
    long v = n * mult;
    if (v > Integer.MAX_VALUE - 64) {
      throw new CommandLine.TypeConversionException("size \"" + s + "\" is too large (max 2GiB)");
    }
    return (int) v;
  }

  private static CommandLine.TypeConversionException bad(String s) {
    return new CommandLine.TypeConversionException(
        "invalid size \"" + s + "\": use e.g. 16MiB, 512KiB or a byte count");
  }
}
