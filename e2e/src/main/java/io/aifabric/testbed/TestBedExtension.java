package io.aifabric.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests a {@link TestBed}: {@code @ExtendWith(TestBedExtension.class)} and a {@code TestBed}
 * parameter (constructor, lifecycle method or test method).
 *
 * <p>One test bed serves every test class of the run: it starts on first use and stops when the run
 * ends. When any test failed, its directory (component logs, kubeconfigs, etcd data) is kept under
 * {@code target/testbed}; otherwise it is removed.
 *
 * <p>System properties: {@code aifabric.testbed.bin} (where e2e/build.sh put the binaries), {@code
 * aifabric.testbed.dir}, {@code aifabric.testbed.members} (2), {@code aifabric.testbed.gpuNodes}
 * (20 per member).
 */
public final class TestBedExtension implements ParameterResolver, TestWatcher {
  private static final Namespace NAMESPACE = Namespace.create(TestBedExtension.class);
  private static final AtomicBoolean ANY_TEST_FAILED = new AtomicBoolean();

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestBed.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedTestBed.class, k -> SharedTestBed.start(), SharedTestBed.class)
        .testBed;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ANY_TEST_FAILED.set(true);
  }

  /** Lives in the root store, so JUnit closes it once, after the last test class. */
  private static final class SharedTestBed implements ExtensionContext.Store.CloseableResource {
    private final TestBed testBed;

    private SharedTestBed(TestBed testBed) {
      this.testBed = testBed;
    }

    static SharedTestBed start() {
      Path bin = Path.of(System.getProperty("aifabric.testbed.bin", "e2e/bin"));
      Path dir = Path.of(System.getProperty("aifabric.testbed.dir", "target/testbed"));
      int members = Integer.getInteger("aifabric.testbed.members", 2);
      int gpuNodes = Integer.getInteger("aifabric.testbed.gpuNodes", 20);
      try {
        return new SharedTestBed(TestBed.start(bin, dir.toAbsolutePath(), members, gpuNodes));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      testBed.close();
      Path dir = testBed.dir();
      if (ANY_TEST_FAILED.get()) {
        System.out.println("A test failed: test bed logs and kubeconfigs kept in " + dir);
        return;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
