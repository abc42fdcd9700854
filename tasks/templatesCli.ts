/**
 * `sentinel templates` on its own: bin/sentinel.mjs runs this bundle (dist/templates.mjs) when the
 * command is `templates`, so mining a file does not first load and compile the whole CLI (a 5 MB
 * bundle: about 0.1 CPU s of a run that now takes about one second, decision 93). Same
 * declaration, options, output and exit codes as `templates` in tasks/cli.ts.
 */
import { Command } from 'commander';
import { LAKE_FLAGS, LAKE_HELP, reportFailure, runCommand } from './cliShared';
import { run } from './templates/command';
import { declareTemplates } from './templates/commandLine';

const program = new Command('sentinel')
  .enablePositionalOptions()
  .option(LAKE_FLAGS, LAKE_HELP)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();
declareTemplates(program.command('templates'))
  .option(LAKE_FLAGS, LAKE_HELP)
  .action((...args: unknown[]) => runCommand(run as (opts: Record<string, unknown>) => Promise<unknown>, args[args.length - 1] as Command));

program.parseAsync(process.argv).catch(reportFailure);
