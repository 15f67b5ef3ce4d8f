package dev.parley.chat.server;

import java.io.IOException;

/**
 * Answers plain HTTP requests on the server's HTTP side, such as a web page and its files;
 * registered with {@link ChatServerBuilder#httpHandler(String, PageHandler)}.
 *
 * <p>Called on the HTTP side's own threads ({@code parley-http-N}), possibly on several at once:
 * implementations must be thread-safe. They never run on a transport or worker thread, so a slow
 * page does not delay chat traffic. An exception thrown here is logged and answered with 500.
 * {@code HEAD} requests reach the handler like {@code GET}; the server sends the response's headers
 * without its body.
 */
@FunctionalInterface
public interface PageHandler {
  /**
   * Answers one request.
   *
   * @param request the request line and headers
   * @return the whole response
   * @throws IOException if the response cannot be produced (answered with 500)
   */
  PageResponse handle(PageRequest request) throws IOException;
}
