package io.aifabric.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The aifabric command line. Each command is its own class; this one only names them. Errors are
 * said in one line on stderr with exit code 1 (a wrong key, a tampered download, a job not
 * finished, a store that does not answer); usage errors exit with 2.
 */
@Command(
    name = "aifabric",
    mixinStandardHelpOptions = true,
    versionProvider = AifabricCli.Version.class,
    description = "Run AI jobs on the aifabric network and get their sealed outputs back.",
    subcommands = {
      KeygenCommand.class,
      JoinTokenCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      FetchCommand.class,
      SealCommand.class,
      UploadCommand.class,
      GrantCommand.class,
      WithdrawCommand.class,
      StakeCommand.class,
      RegisterNodeCommand.class,
      ClaimCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AifabricCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the error handling every command shares. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AifabricCli());
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("aifabric: " + CliErrors.describe(e));
          return 1;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AifabricCli.class.getPackage().getImplementationVersion();
      return new String[] {"aifabric " + (version == null ? "(development build)" : version)};
    }
  }
}
