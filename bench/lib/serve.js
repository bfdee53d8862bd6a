'use strict';

/**
 * A bench server's life: listens on PORT (127.0.0.1) and, on SIGTERM or SIGINT, closes the app and
 * then whatever else it holds (`closers`, in order), and exits 0. A failed start exits 1.
 */
function serveUntilStopped(start) {
  start()
    .then(async ({ app, closers = [] }) => {
      await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
      const stop = async () => {
        await app.close();
        for (const close of closers) await close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { serveUntilStopped };
