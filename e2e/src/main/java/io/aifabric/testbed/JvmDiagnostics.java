package io.aifabric.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What a running JVM holds, asked with jcmd: for benchmarks that look for where memory goes. */
public final class JvmDiagnostics {
  private JvmDiagnostics() {}

  /** The classes that hold the most live heap (GC.class_histogram: a full collection first). */
  public static String classHistogram(long pid, int top) throws IOException, InterruptedException {
    return jcmd(pid, "GC.class_histogram")
        .lines()
        .limit(top + 3L)
        .collect(Collectors.joining("\n"));
  }

  /** Live heap after a full collection, in KiB (GC.run, then GC.heap_info). */
  public static long heapUsedAfterGcKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    // G1 prints one line for its heap, the serial collector one per generation; Metaspace's
    // "used" is not heap.
    long used = 0;
    boolean found = false;
    for (String line : info.lines().toList()) {
      Matcher m = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(line);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException("unexpected GC.heap_info output:\n" + info);
    }
    return used;
  }

  /**
   * Committed memory by JVM area (VM.native_memory summary); the JVM must have been started with
   * {@code -XX:NativeMemoryTracking=summary}, else it says so.
   */
  public static String nativeMemory(long pid) throws IOException, InterruptedException {
    return jcmd(pid, "VM.native_memory", "summary");
  }

  private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    String[] args = new String[command.length + 2];
    args[0] = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    args[1] = String.valueOf(pid);
    System.arraycopy(command, 0, args, 2, command.length);
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
