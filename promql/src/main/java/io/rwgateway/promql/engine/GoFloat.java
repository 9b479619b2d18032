package io.rwgateway.promql.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Go's float formatting where PromQL answers and messages show numbers: the shortest decimal that
 * reads back as the value ({@link ShortestDigits}), in Go's {@code 'f'} or {@code 'e'} notation.
 * The static methods make strings; a {@link Writer} fills a reused buffer, for answers of millions
 * of points.
 */
public final class GoFloat {
  private GoFloat() {}

  /**
   * {@code strconv.FormatFloat(v, 'f', -1, 64)}, the form of sample values in the HTTP API and of
   * {@code count_values}' label: never in exponent form; {@code NaN}, {@code +Inf}, {@code -Inf}.
   */
  public static String formatF(double v) {
    Writer w = new Writer();
    return new String(w.buffer(), 0, w.plain(v));
  }

  /**
   * A sample value as Prometheus' API writes it in vectors and matrices: {@code 'f'} form for 1e-6
   * <= |v| < 1e21 (and zero), else Go's {@code 'e'} form with at least two exponent digits ({@code
   * 2e-07}, {@code 1.2345678901234569e+23}).
   */
  public static String formatSample(double v) {
    Writer w = new Writer();
    return new String(w.buffer(), 0, w.sample(v));
  }

  /** A JSON number as Go's encoding/json writes a float64 (a scalar result's time). */
  public static String formatJsonNumber(double v) {
    return formatSample(v).replace("e-0", "e-");
  }

  /**
   * A sample's time in the API's vectors and matrices: whole seconds, then the milliseconds as
   * three digits when there are any ({@code 1700000000}, {@code 1700000000.500}).
   */
  public static String formatTimestamp(long ms) {
    Writer w = new Writer();
    return new String(w.buffer(), 0, w.timestamp(ms));
  }

  /** {@code %f}: six decimals. */
  static String formatF6(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * Formats into one reused buffer: each method writes from index 0 and returns the length. Not
   * thread-safe; allocates nothing per value.
   */
  public static final class Writer {
    private static final long[] POW10 = new long[19];

    static {
      long p = 1;
      for (int i = 0; i < POW10.length; i++) {
        POW10[i] = p;
        p *= 10;
      }
    }

    private final ShortestDigits shortest = new ShortestDigits();
    // The longest 'f' form: -4.9e-324 as "-0.000...0005", 327 characters; a point's at most ~60.
    private final char[] buf = new char[400];

    /** What the last call wrote, from index 0. */
    public char[] buffer() {
      return buf;
    }

    /** {@link GoFloat#formatSample}. */
    public int sample(double v) {
      return sample(0, v);
    }

    /** {@link GoFloat#formatF}. */
    public int plain(double v) {
      return plain(0, v);
    }

    /** {@link GoFloat#formatTimestamp}. */
    public int timestamp(long ms) {
      return timestamp(0, ms);
    }

    /**
     * A point of a vector or matrix as Prometheus' API writes it, {@code [<time>,"<value>"]}: one
     * JSON value, so that a JSON writer checks its separators once per point, not four times.
     */
    public int point(long ms, double v) {
      buf[0] = '[';
      int i = timestamp(1, ms);
      buf[i++] = ',';
      buf[i++] = '"';
      i = sample(i, v);
      buf[i++] = '"';
      buf[i++] = ']';
      return i;
    }

    private int sample(int at, double v) {
      double a = Math.abs(v);
      if (a == 0 || Double.isNaN(v) || Double.isInfinite(v) || (a >= 1e-6 && a < 1e21)) {
        return plain(at, v);
      }
      int i = sign(at, v);
      shortest.of(a);
      return scientific(i);
    }

    private int plain(int at, double v) {
      if (Double.isNaN(v)) {
        return text(at, "NaN");
      }
      if (Double.isInfinite(v)) {
        return text(at, v > 0 ? "+Inf" : "-Inf");
      }
      int i = sign(at, v);
      if (v == 0) {
        buf[i] = '0';
        return i + 1;
      }
      shortest.of(Math.abs(v));
      long f = shortest.digits;
      int n = digitCount(f);
      int e = shortest.exponent;
      int first = e + n - 1; // power of ten of the first digit
      if (first < 0) {
        buf[i++] = '0';
        buf[i++] = '.';
        for (int z = -1; z > first; z--) {
          buf[i++] = '0';
        }
        return digits(f, n, i);
      }
      if (e >= 0) {
        i = digits(f, n, i);
        for (int z = 0; z < e; z++) {
          buf[i++] = '0';
        }
        return i;
      }
      // A point inside the digits: write them one place to the right, then move the integer part.
      int end = digits(f, n, i + 1);
      System.arraycopy(buf, i + 1, buf, i, first + 1);
      buf[i + first + 1] = '.';
      return end;
    }

    // NOTE: the times of a range answer repeat in every series (its grid): the last 256 are kept
    // formatted, by time, so a point mostly copies its time instead of dividing it into digits.
    private static final int TIME_CACHE = 256;
    private final long[] cachedTime = new long[TIME_CACHE];
    private final char[][] cachedText = new char[TIME_CACHE][];

    private int timestamp(int at, long ms) {
      int slot = (int) (Math.floorDiv(ms, 1000) & (TIME_CACHE - 1)) ^ (int) (ms % 1000 & 7);
      char[] text = cachedText[slot];
      if (text != null && cachedTime[slot] == ms) {
        System.arraycopy(text, 0, buf, at, text.length);
        return at + text.length;
      }
      int end = formatTimestamp(at, ms);
      cachedTime[slot] = ms;
      cachedText[slot] = java.util.Arrays.copyOfRange(buf, at, end);
      return end;
    }

    private int formatTimestamp(int at, long ms) {
      int i = at;
      long t = ms;
      if (t < 0) {
        buf[i++] = '-';
        t = -t;
      }
      long seconds = t / 1000;
      i = digits(seconds, digitCount(seconds), i);
      int fraction = (int) (t % 1000);
      if (fraction != 0) {
        buf[i++] = '.';
        buf[i++] = (char) ('0' + fraction / 100);
        buf[i++] = (char) ('0' + fraction / 10 % 10);
        buf[i++] = (char) ('0' + fraction % 10);
      }
      return i;
    }

    /** Go's {@code 'e'} notation of the last shortest digits: {@code 1.5e-07}, {@code 1e+21}. */
    private int scientific(int i) {
      long f = shortest.digits;
      int n = digitCount(f);
      int x = shortest.exponent + n - 1;
      int end = digits(f, n, i + 1);
      buf[i] = buf[i + 1];
      if (n > 1) {
        buf[i + 1] = '.';
      } else {
        end = i + 1;
      }
      buf[end++] = 'e';
      buf[end++] = x < 0 ? '-' : '+';
      int ax = Math.abs(x);
      if (ax >= 100) {
        buf[end++] = (char) ('0' + ax / 100);
      }
      buf[end++] = (char) ('0' + ax / 10 % 10);
      buf[end++] = (char) ('0' + ax % 10);
      return end;
    }

    private int sign(int at, double v) {
      if (v < 0 || (v == 0 && 1 / v < 0)) {
        buf[at] = '-';
        return at + 1;
      }
      return at;
    }

    private int text(int at, String s) {
      s.getChars(0, s.length(), buf, at);
      return at + s.length();
    }

    /** Writes the {@code n} digits of {@code f} at {@code i}; returns the index after them. */
    private int digits(long f, int n, int i) {
      int end = i + n;
      int p = end;
      // Two digits per division (the divisions are most of the cost); then the last one or two.
      while (f >= 100) {
        long q = f / 100;
        int r = (int) (f - q * 100);
        buf[--p] = (char) ('0' + r % 10);
        buf[--p] = (char) ('0' + r / 10);
        f = q;
      }
      int r = (int) f;
      buf[--p] = (char) ('0' + r % 10);
      if (r >= 10) {
        buf[--p] = (char) ('0' + r / 10);
      }
      return end;
    }

    /** Decimal digits of {@code 0 <= f < 10^18}: from the bit length, then one comparison. */
    private static int digitCount(long f) {
      if (f < 10) {
        return 1;
      }
      int bits = 64 - Long.numberOfLeadingZeros(f);
      int n = (bits * 1233) >>> 12; // floor(bits * log10(2)): the digits of 2^(bits-1), less one
      return f >= POW10[n] ? n + 1 : n;
    }
  }
}
