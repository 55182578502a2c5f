package io.simstream.deployment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two Kubernetes API calls the chart's {@code lookup} of its own Secret makes, answered from a map of
 * Secrets. helm-java renders like `helm install --dry-run` (lookup asks the cluster), where `helm template`
 * would skip it; the surefire configuration points KUBECONFIG at the file {@link #start} writes.
 */
final class KubernetesApiStub implements AutoCloseable {
  static final String NAMESPACE = "simstream";
  private static final String RESOURCES = """
      {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[{"name":"secrets",\
      "singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""";
  private static final String NOT_FOUND = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}""";

  private final HttpServer server;
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private KubernetesApiStub(HttpServer server) {
    this.server = server;
  }

  /** Starts the stub and writes the kubeconfig named by KUBECONFIG (the surefire configuration sets it). */
  static KubernetesApiStub start() throws IOException {
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw new IllegalStateException("KUBECONFIG is not set; demo/pom.xml's surefire configuration sets it");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    KubernetesApiStub stub = new KubernetesApiStub(server);
    server.createContext("/", stub::answer);
    server.start();
    Path file = Path.of(kubeconfig);
    Files.createDirectories(file.getParent());
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: stub, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: stub, user: {}}]
        contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: %s}}]
        current-context: stub
        """.formatted(server.getAddress().getPort(), NAMESPACE));
    return stub;
  }

  /** Makes a Secret exist, as the JSON object the API would return. */
  void putSecret(String name, String json) {
    secrets.put(name, json);
  }

  void clear() {
    secrets.clear();
    requests.clear();
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(exchange.getRequestMethod() + " " + path);
    String prefix = "/api/v1/namespaces/" + NAMESPACE + "/secrets/";
    String body = NOT_FOUND;
    int status = 404;
    if (path.equals("/api/v1")) {
      body = RESOURCES;
      status = 200;
    } else if (path.startsWith(prefix) && secrets.containsKey(path.substring(prefix.length()))) {
      body = secrets.get(path.substring(prefix.length()));
      status = 200;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
