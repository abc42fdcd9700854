import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real headless Chromium for the tests, driven over W3C WebDriver by Debian's chromedriver
 * (`apt-get install chromium chromium-driver`; infra/scripts/install-system.sh installs both).
 * About a hundred lines of fetch instead of a browser-automation package: nothing downloads a
 * browser, and the protocol calls the tests make are all here to read.
 */
export const CHROMIUM = process.env.SENTINEL_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMEDRIVER = process.env.SENTINEL_TEST_CHROMEDRIVER ?? 'chromedriver';
const HINT = 'install Chromium and its driver: `apt-get install -y chromium chromium-driver` (infra/scripts/install-system.sh does)';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface LogEntry {
  level: string;
  message: string;
}

export class Browser {
  private constructor(
    private readonly driver: ChildProcess,
    private readonly base: string,
  ) {}

  static async start(width = 1400, height = 1000): Promise<Browser> {
    const port = await freePort();
    const driver = spawn(CHROMEDRIVER, [`--port=${port}`], { stdio: 'ignore' });
    const spawnError = new Promise<never>((_, reject) =>
      driver.once('error', (err) => reject(new Error(`cannot start ${CHROMEDRIVER}: ${HINT}`, { cause: err }))),
    );
    const base = `http://127.0.0.1:${port}`;
    // Readiness, not speed: poll /status until the driver answers (it starts in well under a second).
    for (let i = 0; ; i++) {
      const ready = await Promise.race([
        spawnError,
        fetch(`${base}/status`)
          .then(async (r) => ((await r.json()) as { value: { ready: boolean } }).value.ready)
          .catch(() => false),
      ]);
      if (ready) break;
      if (i > 200) throw new Error(`chromedriver did not become ready on port ${port}: ${HINT}`);
      await sleep(50);
    }
    const browser = new Browser(driver, base);
    const session = await browser.call<{ sessionId: string }>('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: CHROMIUM,
            args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--window-size=${width},${height}`],
          },
          'goog:loggingPrefs': { browser: 'ALL' },
        },
      },
    });
    browser.session = `/session/${session.sessionId}`;
    return browser;
  }

  private session = '';

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { value: T & { error?: string; message?: string } };
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message?.split('\n')[0]}`);
    return json.value;
  }

  async open(url: string): Promise<void> {
    await this.call('POST', `${this.session}/url`, { url });
  }

  /** Runs `script` (a function body; `arguments` holds args) in the page and returns its value. */
  async execute<T>(script: string, ...args: unknown[]): Promise<T> {
    return this.call<T>('POST', `${this.session}/execute/sync`, { script, args });
  }

  /** Waits until `script` returns a truthy value (the page finished something), then returns it. */
  async waitFor<T>(script: string, what: string, attempts = 200): Promise<T> {
    for (let i = 0; i < attempts; i++) {
      const v = await this.execute<T>(script);
      if (v) return v;
      await sleep(50);
    }
    throw new Error(`the page never reached: ${what}`);
  }

  async click(css: string): Promise<void> {
    const el = await this.call<Record<string, string>>('POST', `${this.session}/element`, { using: 'css selector', value: css });
    await this.call('POST', `${this.session}/element/${Object.values(el)[0]}/click`, {});
  }

  /** Types `text` into the element (a form field), as the keyboard would. */
  async type(css: string, text: string): Promise<void> {
    const el = await this.call<Record<string, string>>('POST', `${this.session}/element`, { using: 'css selector', value: css });
    await this.call('POST', `${this.session}/element/${Object.values(el)[0]}/value`, { text });
  }

  /** A real mouse click at viewport coordinates (what a person does on a chart cell). */
  async clickAt(x: number, y: number): Promise<void> {
    await this.call('POST', `${this.session}/actions`, {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport' },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
  }

  /** Presses the mouse at one viewport point, moves it to another and lets go (a splitter, a slider). */
  async drag(fromX: number, fromY: number, toX: number, toY: number): Promise<void> {
    const at = (x: number, y: number) => ({ type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport' });
    await this.call('POST', `${this.session}/actions`, {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [at(fromX, fromY), { type: 'pointerDown', button: 0 }, { ...at(toX, toY), duration: 200 }, { type: 'pointerUp', button: 0 }],
        },
      ],
    });
  }

  async resize(width: number, height: number): Promise<void> {
    await this.call('POST', `${this.session}/window/rect`, { width, height });
  }

  async screenshot(): Promise<Buffer> {
    return Buffer.from(await this.call<string>('GET', `${this.session}/screenshot`), 'base64');
  }

  /** The browser console's entries since the last call (chromedriver's log endpoint). */
  async consoleLog(): Promise<LogEntry[]> {
    return this.call<LogEntry[]>('POST', `${this.session}/se/log`, { type: 'browser' });
  }

  async close(): Promise<void> {
    try {
      if (this.session) await this.call('DELETE', this.session);
    } finally {
      this.driver.kill();
    }
  }
}
