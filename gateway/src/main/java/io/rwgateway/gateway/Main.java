package io.rwgateway.gateway;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gateway} command: subcommands for each mode. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Prometheus remote-write ingestion gateway (Thanos Receive compatible).",
    subcommands = {
      ReceiveCommand.class,
      SidecarCommand.class,
      QueryCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code =
        new CommandLine(new Main())
            .setUsageHelpWidth(120)
            .setUsageHelpLongOptionsMaxWidth(50)
            .execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "gateway " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"
      };
    }
  }
}
