/**
 * Waiting on a condition instead of sleeping: a fixed sleep is either too short on a busy
 * machine (a flaky failure) or too long everywhere else, and it never says what it waited for.
 */

/**
 * Polls `check` every `intervalMs` until it holds; after `timeoutMs` fails with `what`. `what` may
 * be a function so the message shows the state at the deadline, not at the call.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 5_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
