"""Tools for developers, run by invoke tasks: the local server with the site's
404 page, screenshots of every page kind, and Lighthouse audits of them."""
