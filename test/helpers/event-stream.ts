/** Reading a web chat event stream (server-sent events) over HTTP, as the page does. */

/** Reads a web chat event stream until `pattern` appears (or the time is up). */
export async function readEvents(url: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let received = '';
  try {
    const response = await fetch(url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    while (!pattern.test(received)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value);
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return received;
}

/**
 * Opens a web chat event stream and returns once the server answered (it is listening by then),
 * so that what is published next is known to arrive live, not replayed.
 */
export async function openEvents(url: string): Promise<{ until(pattern: RegExp, timeoutMs: number): Promise<string> }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok) throw new Error(`event stream: HTTP ${response.status}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = '';
  return {
    async until(pattern, timeoutMs) {
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        while (!pattern.test(received)) {
          const chunk = await reader.read();
          if (chunk.done) break;
          received += decoder.decode(chunk.value);
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      return received;
    },
  };
}
