package dev.quire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quire} command. */
@Command(
    name = "quire",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Quire: a self-hosted, real-time collaborative rich-text editor.",
    subcommands = {ServeCommand.class, TokenCommand.class, OtCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"quire " + (v == null ? "development build" : v)};
    }
  }
}
