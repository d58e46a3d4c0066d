// Module-resolution hooks (run in Node's loader thread): report every ES module URL that loads.
let port;
export async function initialize(data) {
  port = data.port;
}
export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
