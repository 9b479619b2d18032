package io.rwgateway.promql.engine;

/**
 * Least-squares line through samples, time in seconds relative to {@code interceptTime}, with
 * Kahan-Neumaier sums (deriv, predict_linear). A constant series has slope 0 (NaN when infinite).
 */
record LinearRegression(double slope, double intercept) {
  static LinearRegression fit(long[] t, double[] v, int from, int to, long interceptTime) {
    double n = 0;
    double sumX = 0;
    double cX = 0;
    double sumY = 0;
    double cY = 0;
    double sumXY = 0;
    double cXY = 0;
    double sumX2 = 0;
    double cX2 = 0;
    double initY = v[from];
    boolean constY = true;
    for (int i = from; i < to; i++) {
      if (constY && i > from && v[i] != initY) {
        constY = false;
      }
      n += 1;
      double x = (t[i] - interceptTime) / 1e3;
      double y = v[i];
      double s = sumX + x;
      cX += Kahan.compensation(sumX, x, s);
      sumX = s;
      s = sumY + y;
      cY += Kahan.compensation(sumY, y, s);
      sumY = s;
      double xy = x * y;
      s = sumXY + xy;
      cXY += Kahan.compensation(sumXY, xy, s);
      sumXY = s;
      double x2 = x * x;
      s = sumX2 + x2;
      cX2 += Kahan.compensation(sumX2, x2, s);
      sumX2 = s;
    }
    if (constY) {
      if (Double.isInfinite(initY)) {
        return new LinearRegression(Double.NaN, Double.NaN);
      }
      return new LinearRegression(0, initY);
    }
    sumX += cX;
    sumY += cY;
    sumXY += cXY;
    sumX2 += cX2;
    double covXY = sumXY - sumX * sumY / n;
    double varX = sumX2 - sumX * sumX / n;
    double slope = covXY / varX;
    double intercept = sumY / n - slope * sumX / n;
    return new LinearRegression(slope, intercept);
  }
}
