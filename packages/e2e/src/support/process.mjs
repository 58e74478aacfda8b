// What the runners of the browser tests share about processes and ports.
import net from 'node:net';

/** Whether something accepts connections on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stops a detached child and its process group; it may have exited already. Never throws: it
 * runs in exit handlers, where a throw would hide the real outcome.
 */
export function stopGroup(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch (error) {
    if (error.code !== 'ESRCH') {
      console.error(`could not stop process group ${child.pid}: ${error.code}`);
    }
  }
}
