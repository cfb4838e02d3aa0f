// A cross-process lock on the embedded warehouse's data directory. PGlite has none of its own, and
// two processes writing one PostgreSQL data directory corrupt it. The lock is a file created
// atomically (O_EXCL) next to the directory, holding the owner's pid, host and start time; a lock
// left by a process that died on this host is taken over.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StrataError } from "../errors";
import { abortableSleep } from "./abortable-sleep";

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DirectoryLockOptions {
  /** How the directory is named in messages (relative to the project, e.g. ".strata/warehouse"). */
  displayName: string;
  /** Wait for the other process instead of failing at once. */
  wait?: boolean;
  /** Give up waiting after this long (default: wait forever). */
  timeoutMs?: number;
  pollMs?: number;
}

export function lockFileFor(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
}

/** Takes the lock; returns a function that releases it. */
export async function acquireDirectoryLock(dataDir: string, options: DirectoryLockOptions): Promise<() => void> {
  const file = lockFileFor(dataDir);
  makeDirectories(path.dirname(file), options.displayName);
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    let owner = tryCreate(file);
    if (owner) owner = takeOverIfStale(file);
    if (!owner) {
      // A process that exits without close() (an uncaught error, process.exit) still lets go.
      const onExit = () => releaseIfOurs(file);
      process.once("exit", onExit);
      return () => {
        process.removeListener("exit", onExit);
        releaseIfOurs(file);
      };
    }
    if (!options.wait || Date.now() >= deadline) {
      if (owner.pid === process.pid && owner.host === os.hostname()) {
        throw new StrataError(`the embedded warehouse at ${options.displayName} is already open in this process`);
      }
      const where = owner.host === os.hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.host}`;
      throw new StrataError(`the embedded warehouse at ${options.displayName} is in use by another strata process (${where})`);
    }
    await abortableSleep(Math.min(options.pollMs ?? 200, Math.max(1, deadline - Date.now())));
  }
}

/** Creates the lock file; returns undefined on success, or who holds it. */
function tryCreate(file: string): LockOwner | undefined {
  const me: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  try {
    const fd = fs.openSync(file, "wx");
    fs.writeSync(fd, JSON.stringify(me));
    fs.closeSync(fd);
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return readOwner(file) ?? { pid: 0, host: "?", startedAt: "" };
  }
}

/**
 * If the holder is a dead process on this host, moves its lock aside (rename is atomic, so only
 * one contender wins) and tries again. Returns the live holder otherwise.
 */
function takeOverIfStale(file: string): LockOwner | undefined {
  const owner = readOwner(file) ?? unreadableOwner(file);
  if (!owner) return { pid: 0, host: "?", startedAt: "" };
  if (owner.host !== os.hostname() || isAlive(owner.pid)) return owner;
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return readOwner(file) ?? owner; // someone else took it over first
  }
  const moved = readOwner(aside);
  if (moved && moved.pid !== owner.pid) {
    // We raced and moved a fresh lock: put it back unless another lock already replaced it.
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a newer lock exists; the one we moved is lost, its owner will find it gone on release */
    }
    fs.rmSync(aside, { force: true });
    return readOwner(file) ?? moved;
  }
  fs.rmSync(aside, { force: true });
  return tryCreate(file);
}

/**
 * A lock file with no readable owner is either being written this instant (held) or was left
 * half-written by a crash (stale once it is a few seconds old).
 */
function unreadableOwner(file: string): LockOwner | undefined {
  try {
    const age = Date.now() - fs.statSync(file).mtimeMs;
    return age > 5000 ? { pid: 0, host: os.hostname(), startedAt: "" } : undefined;
  } catch {
    return undefined;
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as LockOwner;
    return typeof parsed.pid === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(file: string): void {
  const owner = readOwner(file);
  if (owner && owner.pid === process.pid && owner.host === os.hostname()) fs.rmSync(file, { force: true });
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns for some unwritable
 * paths (e.g. under /proc), which would hang `strata run` instead of failing with a message.
 */
function makeDirectories(dir: string, displayName: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new StrataError(`cannot create the embedded warehouse at ${displayName}: ${(err as Error).message.split("\n")[0]}`, 3);
    }
  }
}
