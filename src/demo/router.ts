/**
 * The storefront demo page at /demo: three static files read from src/demo at run time (no build
 * step, the same files from src/ and dist/), talking to /graphql like any frontend. Mounted by
 * the server only when config.demoPage is on, which it never is in production.
 */
import { join } from 'node:path';
import express from 'express';
import { projectRoot } from '../util/paths';

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};

export function demoRouter(): express.Router {
  const dir = join(projectRoot(), 'src', 'demo');
  const router = express.Router();
  router.get(Object.keys(FILES), (req, res, next) => {
    // Relative asset URLs need the trailing slash: /demo -> /demo/.
    const [path, query] = req.originalUrl.split(/\?(.*)/s);
    if (req.path === '/' && !path.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/${query ? `?${query}` : ''}`);
      return;
    }
    res.set({
      'Cache-Control': 'no-cache',
      'Content-Security-Policy':
        "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:",
      'X-Content-Type-Options': 'nosniff',
    });
    res.sendFile(FILES[req.path], { root: dir }, (err) => err && next(err));
  });
  return router;
}
