// Every method HTTP defines counts as known to our routers, so a method a path does not take
// (TRACE, PROPFIND, …) answers 405 Method Not Allowed with an Allow header, as any other wrong
// method does, instead of @koa/router's 501 Not Implemented: a 5xx says the server failed, and
// nothing failed.
import { METHODS } from 'node:http';

export const ROUTER_OPTIONS = { methods: [...METHODS] };
