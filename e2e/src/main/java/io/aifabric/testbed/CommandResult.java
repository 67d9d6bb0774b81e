package io.aifabric.testbed;

/** What a command printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
