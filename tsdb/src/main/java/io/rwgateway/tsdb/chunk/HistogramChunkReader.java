package io.rwgateway.tsdb.chunk;

/**
 * What the integer and the float histogram chunk iterators share (docs/format/histogram-chunks.md):
 * the chunk header (sample count, counter-reset bits), the bit reader with its varbit and XOR
 * fields, the layout (zero threshold, spans), the time's delta of delta and the reset hint 2.42
 * reports. The subclasses decode a sample's counts into their own reused sample.
 *
 * <p>Reading allocates nothing per sample; corruption is an {@link IllegalStateException} naming
 * the bit and the sample. Public so that readers of either chunk type can take one; only this
 * package can extend it.
 */
public abstract class HistogramChunkReader {
  /** Bytes before the bit stream: the 2-byte sample count and the counter-reset header byte. */
  static final int HEADER_BYTES = 3;

  private final String kind;
  private byte[] b;
  private int limitBits;
  private int pos;
  private int total;
  int read;
  private int headerBits;
  private long t;
  private long tDelta;

  /** The chunk's custom bucket bounds as {@link #readCustomBounds} read them. */
  double[] bounds = new double[0];

  int boundCount;

  /** {@code kind} names the chunk in corruption messages ("histogram chunk", ...). */
  HistogramChunkReader(String kind) {
    this.kind = kind;
  }

  /**
   * The current sample at {@link #t()} as a protobuf {@code Histogram} message ({@link
   * HistogramProto#encode}); allocates the message.
   */
  public abstract byte[] proto();

  /** Decodes sample 0: the layout, then the sample. */
  abstract void readFirst();

  /** Decodes every sample after the first. */
  abstract void readFollowing();

  /** Called once {@link #read} counts the sample just decoded. */
  abstract void publish();

  /** Points the reader at the chunk in {@code chunk[offset, offset + length)}. */
  final void start(byte[] chunk, int offset, int length) {
    if (length < HEADER_BYTES) {
      throw new IllegalArgumentException("chunk shorter than its header");
    }
    b = chunk;
    limitBits = (offset + length) * 8;
    pos = (offset + HEADER_BYTES) * 8;
    total = ((chunk[offset] & 0xff) << 8) | (chunk[offset + 1] & 0xff);
    headerBits = chunk[offset + 2] & 0xc0;
    read = 0;
    t = 0;
    tDelta = 0;
  }

  /** Sample count from the header. */
  public int count() {
    return total;
  }

  /** The counter-reset header: the top two bits of byte 2. */
  public HistogramChunkEncoder.Header header() {
    return HistogramChunkEncoder.Header.of(headerBits);
  }

  /** Timestamp of the current sample. */
  public long t() {
    return t;
  }

  public boolean next() {
    if (read == total) {
      return false;
    }
    if (read == 0) {
      readFirst();
    } else {
      readFollowing();
    }
    read++;
    publish();
    return true;
  }

  /** What Prometheus 2.42 reports as the counter-reset hint of the sample just read. */
  final int hint() {
    if (headerBits == HistogramChunkEncoder.Header.GAUGE.bits) {
      return Histogram.HINT_GAUGE;
    }
    if (read > 1) {
      return Histogram.HINT_NOT_COUNTER_RESET;
    }
    return headerBits == HistogramChunkEncoder.Header.COUNTER_RESET.bits
        ? Histogram.HINT_COUNTER_RESET
        : Histogram.HINT_UNKNOWN;
  }

  /** The sample's time: varbit for the first, else the delta of delta. */
  final void readTime() {
    if (read == 0) {
      t = readVarbitInt();
    } else {
      tDelta += readVarbitInt();
      t += tDelta;
    }
  }

  /** How many buckets {@code side}'s spans cover, checked against the bits left. */
  final int bucketsOf(Histogram.Buckets side) {
    long n = side.bucketsInSpans();
    if (n > (limitBits - pos)) { // every bucket takes at least one bit
      throw corrupt("spans cover " + n + " buckets");
    }
    return (int) n;
  }

  /** Reads a side's spans into {@code side}, leaving its bucket count as it was. */
  final void readSpans(Histogram.Buckets side) {
    long n = readVarbitUint();
    if (n < 0 || n > (limitBits - pos) / 2) { // a span takes at least two bits
      throw corrupt("span count " + n);
    }
    side.setSpanCount((int) n);
    for (int i = 0; i < n; i++) {
      int length = (int) readVarbitUint();
      int offset = (int) readVarbitInt();
      side.setSpan(i, offset, length);
    }
  }

  /**
   * Reads the layout's custom bucket bounds into {@link #bounds}/{@link #boundCount} when {@code
   * schema} is -53 (Prometheus 3's layout), else sets none.
   */
  final void readCustomBounds(int schema) {
    boundCount = 0;
    if (schema != NativeHistogram.CUSTOM_BUCKETS_SCHEMA) {
      return;
    }
    long n = readVarbitUint();
    if (n < 0 || n > (limitBits - pos)) { // a bound takes at least one bit
      throw corrupt("custom bound count " + n);
    }
    if (bounds.length < n) {
      bounds = new double[(int) n];
    }
    for (int i = 0; i < n; i++) {
      long u = readVarbitUint();
      bounds[i] = u == 0 ? Double.longBitsToDouble(readBits(64)) : (u - 1) / 1000.0;
    }
    boundCount = (int) n;
  }

  final double readZeroThreshold() {
    int code = (int) readBits(8);
    if (code == 0) {
      return 0;
    }
    if (code == 255) {
      return Double.longBitsToDouble(readBits(64));
    }
    return Math.scalb(1.0, code - HistogramChunkWriter.ZERO_THRESHOLD_BIAS - 1);
  }

  /**
   * An XOR-encoded value: {@code prev} with the bits read XORed in, through the window {@code
   * leading[f]}/{@code trailing[f]}, which a new window replaces.
   */
  final long readXor(long prev, int[] leading, int[] trailing, int f) {
    if (readBits(1) == 0) {
      return prev;
    }
    if (readBits(1) == 1) {
      leading[f] = (int) readBits(5);
      int sig = (int) readBits(6);
      trailing[f] = 64 - leading[f] - (sig == 0 ? 64 : sig);
    }
    int sig = 64 - leading[f] - trailing[f];
    if (sig <= 0) {
      throw corrupt("XOR value without a window");
    }
    return prev ^ (readBits(sig) << trailing[f]);
  }

  /** Payload widths of the varbit buckets, by the number of leading 1 bits of the prefix. */
  private static final int[] VARBIT_WIDTH = {0, 3, 6, 9, 12, 18, 25, 56, 64};

  /** The prefix of a varbit number: how many 1 bits (0-8), consuming the terminating 0 if any. */
  private int readPrefix() {
    int p = pos;
    int top8 = (int) ((XorIterator.wordAt(b, p >>> 3) << (p & 7)) >>> 56);
    int ones = Integer.numberOfLeadingZeros(~top8 & 0xff) - 24;
    int used = ones < 8 ? ones + 1 : 8;
    if (p + used > limitBits) {
      throw corrupt("truncated");
    }
    pos = p + used;
    return ones;
  }

  final long readVarbitInt() {
    int w = VARBIT_WIDTH[readPrefix()];
    if (w == 0 || w == 64) {
      return w == 0 ? 0 : readBits(64);
    }
    long u = readBits(w);
    // NOTE: a w-bit bucket holds -(2^(w-1) - 1) .. 2^(w-1), so 2^(w-1) itself is positive.
    return u > (1L << (w - 1)) ? u - (1L << w) : u;
  }

  final long readVarbitUint() {
    int w = VARBIT_WIDTH[readPrefix()];
    return w == 0 ? 0 : readBits(w);
  }

  /** The next {@code n} bits (1..64), most significant first. */
  final long readBits(int n) {
    int p = pos;
    if (p + n > limitBits) {
      throw corrupt("truncated");
    }
    if (n > 56) {
      long high = readBits(32);
      return (high << (n - 32)) | readBits(n - 32);
    }
    pos = p + n;
    return (XorIterator.wordAt(b, p >>> 3) << (p & 7)) >>> (64 - n);
  }

  private IllegalStateException corrupt(String what) {
    return new IllegalStateException(
        "corrupt " + kind + ": " + what + " at bit " + pos + " (sample " + read + ")");
  }
}
