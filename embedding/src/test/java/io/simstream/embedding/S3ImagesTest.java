package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.embedding.fetch.ImageFetcher;
import io.simstream.embedding.fetch.S3Options;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3:// images read from a real S3-compatible server (S3Proxy, in memory, with AWS signature checks),
 * the credentials coming through the SDK's default chain as Java system properties.
 */
class S3ImagesTest {

  private static final String ACCESS_KEY = "simstream-test";
  private static final String SECRET_KEY = "simstream-test-secret";
  private static final String ACCESS_KEY_PROPERTY = "aws.accessKeyId";
  private static final String SECRET_KEY_PROPERTY = "aws.secretAccessKey";
  private static final Duration TIMEOUT = Duration.ofSeconds(30); // generous: a loaded 2-core machine
  private static final long MAX_BYTES = 300_000; // the photo has 240 kB
  private static final String PHOTO_URI = "s3://images/cats/chelsea%20the%20cat.png";

  @TempDir
  static Path dir;

  private static S3Proxy server;
  private static S3Options options;
  private static Path photo;

  @BeforeAll
  static void startServerAndUpload() throws Exception {
    server = S3Proxy.builder()
        .blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getPort());
    options = new S3Options(endpoint, "us-east-1", true);
    System.setProperty(ACCESS_KEY_PROPERTY, ACCESS_KEY);
    System.setProperty(SECRET_KEY_PROPERTY, SECRET_KEY);

    photo = TestImages.photo("chelsea.png", dir);
    try (S3Client uploader = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build()) {
      uploader.createBucket(b -> b.bucket("images"));
      uploader.putObject(b -> b.bucket("images").key("cats/chelsea the cat.png"), RequestBody.fromFile(photo));
      uploader.putObject(b -> b.bucket("images").key("exactly-the-limit.bin"),
          RequestBody.fromBytes(randomBytes((int) MAX_BYTES)));
      uploader.putObject(b -> b.bucket("images").key("one-byte-over.bin"),
          RequestBody.fromBytes(randomBytes((int) MAX_BYTES + 1)));
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    System.clearProperty(ACCESS_KEY_PROPERTY);
    System.clearProperty(SECRET_KEY_PROPERTY);
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void anImageFromS3EmbedsExactlyAsTheSameFile() {
    try (Embedder embedder = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withBatchSize(2)
        .withCacheDirectory(dir.resolve("cache"))
        .withS3(options))) {
      List<EmbeddingResult> results = embedder.embedImages(List.of(ImageInput.of(photo), ImageInput.of(PHOTO_URI),
          ImageInput.of("s3://images/cats/no-such-cat.png")));
      assertThat(results.get(0).isSuccess()).as(results.get(0).error()).isTrue();
      assertThat(results.get(1).isSuccess()).as(results.get(1).error()).isTrue();
      assertThat(results.get(1).vector()).hasSize(1280).containsExactly(results.get(0).vector());
      // A missing object goes to the dead letters rather than being retried.
      assertThat(results.get(2).failure()).isEqualTo(EmbeddingFailure.NOT_FOUND);
      assertThat(results.get(2).retryable()).isFalse();
    }
  }

  @Test
  void readsTheObjectsBytes() throws Exception {
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, options)) {
      assertThat(fetcher.fetch(URI.create(PHOTO_URI))).isEqualTo(Files.readAllBytes(photo));
      assertThat(fetcher.fetch(URI.create("s3://images/exactly-the-limit.bin"))).hasSize((int) MAX_BYTES);
    }
  }

  @Test
  void missingObjectsAndBucketsAreNotFound() {
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, options)) {
      assertFailure(fetcher, "s3://images/cats/missing.png", EmbeddingFailure.NOT_FOUND, "NoSuchKey");
      assertFailure(fetcher, "s3://no-such-bucket/cat.png", EmbeddingFailure.NOT_FOUND, "NoSuchBucket");
    }
  }

  @Test
  void objectsOverTheLimitAreTooLarge() {
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, options)) {
      assertFailure(fetcher, "s3://images/one-byte-over.bin", EmbeddingFailure.TOO_LARGE, "limit " + MAX_BYTES);
    }
  }

  @Test
  void wrongCredentialsAreRefused() {
    System.setProperty(SECRET_KEY_PROPERTY, "not-the-secret");
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, options)) {
      assertFailure(fetcher, PHOTO_URI, EmbeddingFailure.REFUSED, "HTTP 403");
    } finally {
      System.setProperty(SECRET_KEY_PROPERTY, SECRET_KEY);
    }
  }

  @Test
  void anUnreachableEndpointIsATransientFailure() {
    S3Options nowhere = new S3Options(URI.create("http://127.0.0.1:1"), "us-east-1", true);
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, nowhere)) {
      assertFailure(fetcher, PHOTO_URI, EmbeddingFailure.FETCH_FAILED, "cannot fetch");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         ImageFetcher fetcher = new ImageFetcher(Duration.ofSeconds(2), MAX_BYTES,
             new S3Options(URI.create("http://127.0.0.1:" + silent.getLocalPort()), "us-east-1", true))) {
      // Connections queue in the backlog and are never read from: the request hangs until the time limit.
      assertFailure(fetcher, PHOTO_URI, EmbeddingFailure.TIMEOUT, "within");
    }
  }

  @Test
  void anS3UriNeedsABucketAndAKey() {
    try (ImageFetcher fetcher = new ImageFetcher(TIMEOUT, MAX_BYTES, options)) {
      assertFailure(fetcher, "s3://images", EmbeddingFailure.INVALID_INPUT, "s3://bucket/key");
      assertFailure(fetcher, "s3://images/", EmbeddingFailure.INVALID_INPUT, "s3://bucket/key");
    }
  }

  private static void assertFailure(ImageFetcher fetcher, String uri, EmbeddingFailure failure, String message) {
    assertThatThrownBy(() -> fetcher.fetch(URI.create(uri)))
        .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.failure()).isEqualTo(failure))
        .hasMessageContaining(message);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
