package io.simstream.embedding.fetch;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Downloads http(s) URLs, following redirects, within a time limit for the whole exchange and a byte limit. */
final class HttpSource {

  private final Duration timeout;
  private final long maxBytes;
  /**
   * Built at the first http(s) image: on Java 17 a client's selector thread cannot be stopped, only
   * dropped, so an owner that never reads http images (or fails to start) leaves no thread behind.
   */
  private HttpClient http;

  HttpSource(Duration timeout, long maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  private synchronized HttpClient client() {
    if (http == null) {
      http = HttpClient.newBuilder()
          .connectTimeout(timeout)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
    }
    return http;
  }

  byte[] read(URI uri) throws ImageLoadException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> response = client().sendAsync(request, info -> {
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (info.statusCode() >= 300 || declared > maxBytes) {
        return new NoBody();
      }
      return new LimitedBodySubscriber(maxBytes);
    });
    HttpResponse<byte[]> result;
    try {
      result = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS); // whole exchange, body included
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new ImageLoadException(EmbeddingFailure.TIMEOUT, "no complete response from " + uri + " within " + timeout);
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "interrupted while fetching " + uri);
    } catch (ExecutionException e) {
      throw failure(uri, e.getCause());
    }
    int status = result.statusCode();
    if (status >= 300) {
      throw new ImageLoadException(statusFailure(status), "HTTP " + status + " from " + uri);
    }
    if (result.body() == null) {
      throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, "Content-Length of " + uri + " exceeds " + maxBytes + " bytes");
    }
    return result.body();
  }

  /**
   * For a body that is not wanted (an error page, an oversized image): no body, at once, and the
   * download cancelled, which drops the connection. A draining subscriber such as
   * {@code BodySubscribers.replacing} would complete only at the body's end, so a slow body would
   * have turned a 404 or a too-large image into a (retried) timeout.
   */
  private static final class NoBody implements HttpResponse.BodySubscriber<byte[]> {

    @Override
    public CompletionStage<byte[]> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      // nothing is requested
    }

    @Override
    public void onError(Throwable throwable) {
      // the body is not wanted, so neither is its failure
    }

    @Override
    public void onComplete() {
      // the answer was given at once
    }
  }

  private static EmbeddingFailure statusFailure(int status) {
    if (status == 404 || status == 410) {
      return EmbeddingFailure.NOT_FOUND;
    }
    // Server trouble, a request timeout or rate limiting may pass; any other refusal will not.
    return status >= 500 || status == 408 || status == 429 ? EmbeddingFailure.FETCH_FAILED : EmbeddingFailure.REFUSED;
  }

  private static ImageLoadException failure(URI uri, Throwable cause) {
    if (cause instanceof ImageLoadException loadFailure) {
      return loadFailure;
    }
    if (cause instanceof java.net.http.HttpTimeoutException) {
      return new ImageLoadException(EmbeddingFailure.TIMEOUT, "timed out fetching " + uri + ": " + cause.getMessage());
    }
    return new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "cannot fetch " + uri + ": " + cause);
  }
}
