package io.simstream.embedding.fetch;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads {@code s3://bucket/key} objects with the AWS SDK. The body is read within the SDK call, so the
 * call's time limit covers the whole download, and never beyond the byte limit. The client is built at
 * the first s3:// image, so processes that never see one never look up credentials or a region.
 */
final class S3Source implements AutoCloseable {

  private static final Region FALLBACK_REGION = Region.US_EAST_1;
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
  // Answers that say the request itself is wrong (credentials, permissions, the URI), so a retry will not help.
  private static final Set<String> REFUSALS = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
      "AllAccessDisabled", "AccountProblem", "InvalidBucketName", "InvalidObjectState", "InvalidRequest");
  // 400s that pass: the chain renews expired session credentials, a slow or skewed request may succeed next time.
  private static final Set<String> TRANSIENT = Set.of("ExpiredToken", "RequestTimeout", "RequestTimeTooSkewed");

  private final Duration timeout;
  private final long maxBytes;
  private final S3Options options;
  private S3Client client;
  private DefaultCredentialsProvider credentials;

  S3Source(Duration timeout, long maxBytes, S3Options options) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.options = options;
  }

  byte[] read(URI uri) throws ImageLoadException {
    String bucket = uri.getAuthority();
    String key = uri.getPath() == null || uri.getPath().length() < 2 ? null : uri.getPath().substring(1);
    if (bucket == null || key == null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ImageLoadException(EmbeddingFailure.INVALID_INPUT, "not an s3://bucket/key URI: " + uri);
    }
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).build();
    try {
      return client().getObject(request, this::readLimited);
    } catch (TooLarge e) {
      throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, uri + " " + e.getMessage());
    } catch (S3Exception e) {
      throw new ImageLoadException(failureOf(e), "S3 answered HTTP " + e.statusCode() + " " + errorCode(e)
          + (e.awsErrorDetails() == null ? "" : " (" + e.awsErrorDetails().errorMessage() + ")") + " for " + uri);
    } catch (ApiCallTimeoutException e) {
      throw new ImageLoadException(EmbeddingFailure.TIMEOUT, "no complete object " + uri + " within " + timeout);
    } catch (SdkException | UncheckedIOException e) {
      TooLarge tooLarge = tooLargeCause(e);
      if (tooLarge != null) {
        throw new ImageLoadException(EmbeddingFailure.TOO_LARGE, uri + " " + tooLarge.getMessage());
      }
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "cannot fetch " + uri + ": " + e.getMessage());
    }
  }

  private byte[] readLimited(GetObjectResponse response, InputStream body) {
    Long declared = response.contentLength();
    if (declared != null && declared > maxBytes) {
      throw new TooLarge("has " + declared + " bytes, limit " + maxBytes);
    }
    try {
      byte[] bytes = body.readNBytes((int) Math.min(maxBytes + 1, MAX_ARRAY_LENGTH));
      if (bytes.length > maxBytes) {
        throw new TooLarge("exceeds the limit of " + maxBytes + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddingFailure failureOf(S3Exception e) {
    String code = errorCode(e);
    if (e.statusCode() == 404 || code.equals("NoSuchKey") || code.equals("NoSuchBucket")) {
      return EmbeddingFailure.NOT_FOUND;
    }
    if (REFUSALS.contains(code)) {
      return EmbeddingFailure.REFUSED;
    }
    if (TRANSIENT.contains(code)) {
      return EmbeddingFailure.FETCH_FAILED;
    }
    int status = e.statusCode();
    // Throttling (503 SlowDown), server trouble and request timeouts may pass, as for http(s) URLs.
    return status >= 500 || status == 408 || status == 429 ? EmbeddingFailure.FETCH_FAILED : EmbeddingFailure.REFUSED;
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
  }

  private static TooLarge tooLargeCause(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof TooLarge tooLarge) {
        return tooLarge;
      }
    }
    return null;
  }

  private synchronized S3Client client() {
    if (client == null) {
      credentials = DefaultCredentialsProvider.builder().build();
      var builder = S3Client.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder() // from a builder, the client closes it
              .connectionTimeout(timeout)
              .socketTimeout(timeout))
          .overrideConfiguration(o -> o.apiCallTimeout(timeout))
          .credentialsProvider(credentials)
          .region(region())
          .forcePathStyle(options.pathStyle());
      if (options.endpoint() != null) {
        builder.endpointOverride(options.endpoint());
      }
      client = builder.build();
    }
    return client;
  }

  private Region region() {
    if (!options.region().isBlank()) {
      return Region.of(options.region().trim());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException none) {
      return FALLBACK_REGION; // S3 answers for every region there, and S3-compatible servers rarely care
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      credentials.close(); // the client leaves a provider it was given open
      client = null;
      credentials = null;
    }
  }

  /** Thrown inside the SDK call to stop reading an object over the byte limit. */
  private static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }
}
