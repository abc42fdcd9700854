/**
 * What the demo prints last: commands that explore what it made, runnable as printed (paste the
 * block into a shell in the repository). The demo keeps its own lake and embedded database under
 * DEMO_HOME, so the first line points every later command at them instead of the defaults.
 */
export function exploreCommands(home: string, date: string): string[] {
  return [
    `export SENTINEL_LAKE=file://./${home}/lake SENTINEL_EMBEDDED_DB_DIR=${home}/pgdata; unset DATABASE_URL`,
    'npx sentinel models list',
    `npx sentinel report --from ${date} --to ${date}`,
    `npx sentinel alert --date ${date} && npx sentinel alerts list`,
    `npx sentinel report --from ${date} --to ${date} --html ${home}/report.html`,
  ];
}

/** The block, each command with what it shows. */
export function formatExploreCommands(home: string, date: string): string {
  const [env, ...commands] = exploreCommands(home, date);
  const notes = [
    'the model versions it trained',
    'the anomalies again, against the labels',
    'group the anomalies into alerts (no channel configured: recorded only) and list them',
    `the anomaly explorer: open ${home}/report.html in a browser`,
  ];
  const width = Math.max(...commands.map((c) => c.length));
  return [
    '',
    'Explore what the demo made (paste into a shell in this directory; the first line points the commands at the demo lake and database):',
    `  ${env}`,
    ...commands.map((c, i) => `  ${c.padEnd(width)}  # ${notes[i]}`),
    '',
  ].join('\n');
}
