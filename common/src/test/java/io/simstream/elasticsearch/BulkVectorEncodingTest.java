package io.simstream.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.event.EventVectors;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.nio.ContentEncoder;
import org.apache.http.nio.entity.EntityAsyncContentProducer;
import org.apache.http.nio.entity.HttpAsyncContentProducer;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

class BulkVectorEncodingTest {

  /**
   * The async client hands a plain entity to the connection 4 KiB per reactor turn: on a busy CPU a bulk then
   * reaches Elasticsearch in hundreds of small reads, each one work for its network thread. Done as the client
   * does it (BasicAsyncRequestProducer), with an encoder that takes whatever it is given.
   */
  @Test
  void aBulkBodyIsHandedToTheConnectionInOneWriteNotIn4KiBPieces() throws Exception {
    byte[] body = new byte[300_000];
    for (BulkVectorEncoding encoding : BulkVectorEncoding.values()) {
      HttpEntity entity = encoding.bulkRequest(body).getEntity();
      HttpAsyncContentProducer producer = entity instanceof HttpAsyncContentProducer direct ? direct
          : new EntityAsyncContentProducer(entity);
      List<Integer> writes = new ArrayList<>();
      producer.produceContent(new TakeAllEncoder(writes), null);
      assertThat(writes).as(encoding.name()).containsExactly(body.length);
    }
  }

  private static final class TakeAllEncoder implements ContentEncoder {
    private final List<Integer> writes;
    private boolean completed;

    TakeAllEncoder(List<Integer> writes) {
      this.writes = writes;
    }

    @Override
    public int write(ByteBuffer src) {
      int taken = src.remaining();
      src.position(src.limit());
      writes.add(taken);
      return taken;
    }

    @Override
    public void complete() {
      completed = true;
    }

    @Override
    public boolean isCompleted() {
      return completed;
    }
  }

  @Test
  void base64FromElasticsearch93OnDecimalArraysBefore() {
    Map<String, BulkVectorEncoding> expected = Map.of(
        "9.3.0", BulkVectorEncoding.BASE64_FLOAT32, "9.5.4", BulkVectorEncoding.BASE64_FLOAT32,
        "9.3.0-SNAPSHOT", BulkVectorEncoding.BASE64_FLOAT32, "10.0.0", BulkVectorEncoding.BASE64_FLOAT32,
        "9.2.9", BulkVectorEncoding.SMILE_FLOAT32, "9.0.0", BulkVectorEncoding.SMILE_FLOAT32,
        "8.19.21", BulkVectorEncoding.SMILE_FLOAT32, "7.17.0", BulkVectorEncoding.SMILE_FLOAT32);
    expected.forEach((version, encoding) ->
        assertThat(BulkVectorEncoding.forVersion(version)).as(version).isEqualTo(encoding));
  }

  @Test
  void base64OnlyWhenEveryNodeTakesIt() {
    assertThat(BulkVectorEncoding.forNodeVersions(List.of("9.3.1", "9.5.4")))
        .isEqualTo(BulkVectorEncoding.BASE64_FLOAT32);
    assertThat(BulkVectorEncoding.forNodeVersions(List.of("9.3.1", "9.2.4")))
        .as("mid rolling upgrade").isEqualTo(BulkVectorEncoding.SMILE_FLOAT32);
    assertThat(BulkVectorEncoding.forNodeVersions(List.of())).isEqualTo(BulkVectorEncoding.SMILE_FLOAT32);
  }

  @Test
  void smileWhenTheVersionCannotBeRead() throws Exception {
    assertThat(BulkVectorEncoding.forVersion(null)).isEqualTo(BulkVectorEncoding.SMILE_FLOAT32);
    assertThat(BulkVectorEncoding.forVersion("serverless")).isEqualTo(BulkVectorEncoding.SMILE_FLOAT32);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (RestClient unreachable = RestClient.builder(new HttpHost("127.0.0.1", closedPort)).build()) {
      assertThat(BulkVectorEncoding.detect(unreachable)).isEqualTo(BulkVectorEncoding.SMILE_FLOAT32);
    }
  }

  @Test
  void estimatesTheBytesOfEitherForm() throws Exception {
    float[] vector = new float[512];
    assertThat(BulkVectorEncoding.BASE64_FLOAT32.vectorBytes(512))
        .as("the quoted string exactly").isEqualTo(EventVectors.Writer.toBase64(vector).length() + 2);
    assertThat(BulkVectorEncoding.BASE64_FLOAT32.vectorBytes(3))
        .isEqualTo(EventVectors.Writer.toBase64(new float[3]).length() + 2);
    for (int dims : new int[] {3, 512}) {
      BulkBodyWriter body = new BulkBodyWriter(BulkVectorEncoding.SMILE_FLOAT32, 64);
      body.nextLine().writeStartObject();
      body.writeVector("v", new float[dims]);
      int withoutVector = 4 + 1 + 2 + 1; // header, object start, the name "v", object end
      assertThat(BulkVectorEncoding.SMILE_FLOAT32.vectorBytes(dims)).as("the SMILE array exactly")
          .isEqualTo(body.toByteArray().length - withoutVector - 1);
    }
  }
}
