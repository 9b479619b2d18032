package io.rwgateway.perf;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Settings every benchmark here shares (JMH inherits class annotations): one fork with a fixed
 * heap, G1, and the JVM flags Chronicle Queue needs, so results compare across benchmarks and runs.
 * Override per run on the command line (-f, -wi, -i, -jvmArgsAppend), not here.
 *
 * <p>On JDK 24+ also pass {@code -jvmArgsAppend "--enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow"} (JDK 17 refuses the latter, so it cannot be a default).
 */
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms4g",
      "-Xmx4g",
      "-XX:+UseG1GC",
      "-XX:+AlwaysPreTouch",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true",
      "-Dchronicle.announcer.disable=true"
    })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class BenchmarkBase {}
