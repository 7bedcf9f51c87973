/**
 * How phaseboard's browser tests and scripts launch Chromium: Debian's
 * (browsers cannot be downloaded here), without the sandbox, GPU or any
 * background traffic of its own.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
