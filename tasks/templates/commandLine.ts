import type { Command } from 'commander';

/**
 * The `templates` command's arguments and options, declared once: the whole CLI (tasks/cli.ts) and
 * the templates-only entry (tasks/templatesCli.ts) both take them from here.
 */
export function declareTemplates(command: Command): Command {
  return command
    .description('mine templates of any log file; writes LineId,EventId,EventTemplate like loghub')
    .argument('<file>', 'log file (plain or gzip)')
    .requiredOption('--log-format <format>', 'loghub-style format or a known name (hdfs, bgl, ...)')
    .option('--out <file>', 'CSV output (default: stdout)')
    .option('--similarity <t>', 'Drain similarity threshold')
    .option('--depth <n>', 'Drain tree depth')
    .option('--full', "all header fields too (loghub's full structured CSV)")
    .option('--templates-out <file>', 'also write EventId,EventTemplate,Occurrences');
}
