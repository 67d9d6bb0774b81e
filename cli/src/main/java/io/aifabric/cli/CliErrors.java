package io.aifabric.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** One line for what went wrong, in the user's terms rather than a stack trace's. */
final class CliErrors {
  private CliErrors() {}

  static String describe(Throwable e) {
    if (e instanceof KubernetesClientException k) {
      if (k.getCode() == 403) {
        return "the host refused: " + k.getStatus().getMessage();
      }
      return "the host's API server: " + firstLine(k.getMessage());
    }
    if (e instanceof SdkClientException) {
      return "the object store did not answer: " + firstLine(e.getMessage());
    }
    if (e instanceof ConnectException) {
      return "could not connect: " + e.getMessage();
    }
    if (e instanceof NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof FileAlreadyExistsException) {
      return e.getMessage() + " exists already; nothing was overwritten";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "(no message)";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
