package io.simstream.embedding.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a TF.js layers model as bundled in the npm package {@code nsfwjs} (Keras topology in
 * {@code model.min.js}, uint8-quantised weights as base64 in {@code group1-shard*.min.js}) into an
 * ONNX opset-17 model with NCHW float input {@code pixel_values [batch,3,H,W]} and two outputs:
 * {@code embedding} (the named features layer) and {@code probabilities} (the model's own output).
 *
 * <p>Usage: {@code TfjsLayersToOnnx <npm package dir> <model dir name> <features layer> <out.onnx>}, e.g.
 * {@code package mobilenet_v2 flatten_1 mobilenet_v2_nsfwjs.onnx} after {@code npm pack nsfwjs@4.4.0}.
 */
public final class TfjsLayersToOnnx {

  private static final int OPSET = 17;

  private final Map<String, float[]> weights;
  private final Map<String, List<Integer>> weightShapes;
  private final OnnxGraphBuilder graph;
  /** Tensor name and NCHW shape (without batch) produced by each Keras layer. */
  private final Map<String, String> tensorOf = new HashMap<>();
  private final Map<String, int[]> shapeOf = new HashMap<>();
  private final Map<String, String> outputNames;
  private int usedWeights;

  private TfjsLayersToOnnx(Map<String, float[]> weights, Map<String, List<Integer>> weightShapes,
      OnnxGraphBuilder graph, Map<String, String> outputNames) {
    this.weights = weights;
    this.weightShapes = weightShapes;
    this.graph = graph;
    this.outputNames = outputNames;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: TfjsLayersToOnnx <npm package dir> <model dir name> <features layer> <out.onnx>");
      System.exit(2);
    }
    Path packageDir = Path.of(args[0]);
    byte[] onnx = convert(packageDir, args[1], args[2]);
    Path out = Path.of(args[3]);
    Files.write(out, onnx);
    System.out.printf("wrote %s (%d bytes), sha256 %s%n", out, onnx.length,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
  }

  @SuppressWarnings("unchecked")
  static byte[] convert(Path packageDir, String modelName, String featuresLayer) throws IOException {
    Path modelDir = packageDir.resolve("dist/models").resolve(modelName);
    String modelJs = Files.readString(modelDir.resolve("model.min.js"));
    Map<String, Object> artifacts = (Map<String, Object>) JsLiteralParser.parse(modelJs, modelJs.indexOf("{modelTopology"));
    Map<String, Object> topology = (Map<String, Object>) artifacts.get("modelTopology");
    List<Map<String, Object>> manifest = (List<Map<String, Object>>) artifacts.get("weightsManifest");

    Map<String, float[]> weights = new LinkedHashMap<>();
    Map<String, List<Integer>> shapes = new HashMap<>();
    readWeights(modelDir, manifest, weights, shapes);

    Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) topology.get("model_config")).get("config");
    List<Map<String, Object>> layers = (List<Map<String, Object>>) config.get("layers");
    String outputLayer = (String) ((List<Object>) ((List<Object>) config.get("output_layers")).get(0)).get(0);

    Map<String, Object> packageJson = (Map<String, Object>) JsLiteralParser.parse(
        Files.readString(packageDir.resolve("package.json")), 0);
    String source = "npm " + packageJson.get("name") + "@" + packageJson.get("version") + " dist/models/" + modelName;
    String copyright = Files.readAllLines(packageDir.resolve("LICENSE")).stream()
        .filter(l -> l.startsWith("Copyright")).findFirst().orElseThrow();

    OnnxGraphBuilder graph = new OnnxGraphBuilder(modelName)
        .metadata("source", source)
        .metadata("license", packageJson.get("license") + ", " + copyright)
        .metadata("converter", TfjsLayersToOnnx.class.getName())
        .metadata("keras_version", String.valueOf(topology.get("keras_version")))
        .metadata("preprocessing", "RGB, bilinear resize (align_corners=true) to the input size without keeping"
            + " the aspect ratio, pixel/255, NCHW");
    Map<String, String> outputNames = Map.of(featuresLayer, "embedding", outputLayer, "probabilities");
    TfjsLayersToOnnx converter = new TfjsLayersToOnnx(weights, shapes, graph, outputNames);
    for (Map<String, Object> layer : layers) {
      converter.convertLayer(layer);
    }
    if (converter.usedWeights != weights.size()) {
      throw new IllegalStateException("Only " + converter.usedWeights + " of " + weights.size() + " weights were used");
    }
    int[] features = converter.shapeOf.get(featuresLayer);
    int[] classes = converter.shapeOf.get(outputLayer);
    graph.output("embedding", OnnxGraphBuilder.FLOAT, "batch", features[0]);
    graph.output("probabilities", OnnxGraphBuilder.FLOAT, "batch", classes[0]);
    return graph.build(OPSET, "simstream TfjsLayersToOnnx");
  }

  /** Weights are concatenated in manifest order; uint8 values decode as q * scale + min (TF.js rule). */
  @SuppressWarnings("unchecked")
  private static void readWeights(Path modelDir, List<Map<String, Object>> manifest,
      Map<String, float[]> weights, Map<String, List<Integer>> shapes) throws IOException {
    for (Map<String, Object> group : manifest) {
      ByteBuffer data = ByteBuffer.wrap(concatShards(modelDir, (List<String>) group.get("paths")));
      for (Map<String, Object> spec : (List<Map<String, Object>>) group.get("weights")) {
        String name = (String) spec.get("name");
        List<Integer> shape = ((List<Double>) spec.get("shape")).stream().map(Double::intValue).toList();
        int count = shape.stream().reduce(1, (a, b) -> a * b);
        Map<String, Object> q = (Map<String, Object>) spec.get("quantization");
        if (q == null || !"uint8".equals(q.get("dtype")) || !"float32".equals(spec.get("dtype"))) {
          throw new IllegalArgumentException("Only uint8-quantised float32 weights are supported: " + name);
        }
        double scale = (Double) q.get("scale");
        double min = (Double) q.get("min");
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
          values[i] = (float) ((data.get() & 0xFF) * scale + min);
        }
        weights.put(name, values);
        shapes.put(name, shape);
      }
      if (data.hasRemaining()) {
        throw new IllegalStateException(data.remaining() + " unread weight bytes in " + group.get("paths"));
      }
    }
  }

  private static byte[] concatShards(Path modelDir, List<String> paths) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String path : paths) {
      String js = Files.readString(modelDir.resolve(path + ".min.js"), StandardCharsets.US_ASCII);
      int start = js.indexOf("exports=\"") + "exports=\"".length();
      out.writeBytes(Base64.getDecoder().decode(js.substring(start, js.indexOf('"', start))));
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private void convertLayer(Map<String, Object> layer) {
    String name = (String) layer.get("name");
    String type = (String) layer.get("class_name");
    Map<String, Object> cfg = (Map<String, Object>) layer.get("config");
    List<String> inbound = new ArrayList<>();
    List<Object> nodes = (List<Object>) layer.get("inbound_nodes");
    if (!nodes.isEmpty()) {
      for (Object ref : (List<Object>) nodes.get(0)) {
        inbound.add((String) ((List<Object>) ref).get(0));
      }
    }
    String out = outputNames.getOrDefault(name, name);
    switch (type) {
      case "InputLayer" -> input(name, out, cfg);
      case "ZeroPadding2D" -> zeroPadding(name, out, inbound.get(0), cfg);
      case "Conv2D" -> convolution(name, out, inbound.get(0), cfg, false);
      case "DepthwiseConv2D" -> convolution(name, out, inbound.get(0), cfg, true);
      case "BatchNormalization" -> batchNormalization(name, out, inbound.get(0), cfg);
      case "ReLU" -> relu(name, out, inbound.get(0), cfg);
      case "Add" -> add(name, out, inbound);
      case "AveragePooling2D" -> averagePooling(name, out, inbound.get(0), cfg);
      case "Flatten" -> flatten(name, out, inbound.get(0));
      case "Dense" -> dense(name, out, inbound.get(0), cfg);
      case "Dropout" -> alias(name, inbound.get(0)); // identity at inference time
      default -> throw new IllegalArgumentException("Unsupported Keras layer " + type + " (" + name + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private void input(String name, String out, Map<String, Object> cfg) {
    List<Object> nhwc = (List<Object>) cfg.get("batch_input_shape");
    int h = ((Double) nhwc.get(1)).intValue();
    int w = ((Double) nhwc.get(2)).intValue();
    int c = ((Double) nhwc.get(3)).intValue();
    String tensor = "pixel_values";
    graph.input(tensor, OnnxGraphBuilder.FLOAT, "batch", c, h, w);
    define(name, tensor, new int[] {c, h, w});
  }

  @SuppressWarnings("unchecked")
  private void zeroPadding(String name, String out, String from, Map<String, Object> cfg) {
    List<List<Double>> padding = (List<List<Double>>) cfg.get("padding");
    long top = padding.get(0).get(0).longValue();
    long bottom = padding.get(0).get(1).longValue();
    long left = padding.get(1).get(0).longValue();
    long right = padding.get(1).get(1).longValue();
    graph.longs(name + "/pads", new long[] {0, 0, top, left, 0, 0, bottom, right}, 8);
    graph.node("Pad", name, List.of(tensorOf.get(from), name + "/pads"), List.of(out)).attr("mode", "constant");
    int[] s = shapeOf.get(from);
    define(name, out, new int[] {s[0], s[1] + (int) (top + bottom), s[2] + (int) (left + right)});
  }

  /** Conv2D kernels are HWIO and depthwise kernels HWCM in TF; ONNX wants OIHW (groups = C for depthwise). */
  @SuppressWarnings("unchecked")
  private void convolution(String name, String out, String from, Map<String, Object> cfg, boolean depthwise) {
    int[] in = shapeOf.get(from);
    int kh = ((List<Double>) cfg.get("kernel_size")).get(0).intValue();
    int kw = ((List<Double>) cfg.get("kernel_size")).get(1).intValue();
    int sh = ((List<Double>) cfg.get("strides")).get(0).intValue();
    int sw = ((List<Double>) cfg.get("strides")).get(1).intValue();
    List<Double> dilation = (List<Double>) cfg.get("dilation_rate");
    if (dilation.get(0) != 1 || dilation.get(1) != 1) {
      throw new IllegalArgumentException("Dilated convolutions are not supported: " + name);
    }
    float[] kernel = weight(name + (depthwise ? "/depthwise_kernel" : "/kernel"));
    int cin = in[0];
    int cout;
    float[] oihw;
    if (depthwise) {
      int multiplier = ((Double) cfg.get("depth_multiplier")).intValue();
      cout = cin * multiplier;
      oihw = new float[kernel.length];
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          for (int c = 0; c < cin; c++) {
            for (int m = 0; m < multiplier; m++) {
              oihw[(((c * multiplier + m)) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + c) * multiplier + m];
            }
          }
        }
      }
    } else {
      cout = ((Double) cfg.get("filters")).intValue();
      oihw = new float[kernel.length];
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cout; o++) {
              oihw[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o];
            }
          }
        }
      }
    }
    graph.floats(name + "/W", oihw, cout, depthwise ? 1 : cin, kh, kw);
    List<String> inputs = new ArrayList<>(List.of(tensorOf.get(from), name + "/W"));
    if (Boolean.TRUE.equals(cfg.get("use_bias"))) {
      graph.floats(name + "/B", weight(name + "/bias"), cout);
      inputs.add(name + "/B");
    }
    int[] padH = tfPadding((String) cfg.get("padding"), in[1], kh, sh);
    int[] padW = tfPadding((String) cfg.get("padding"), in[2], kw, sw);
    String activation = (String) cfg.get("activation");
    String convOut = "linear".equals(activation) ? out : name + "/conv";
    graph.node("Conv", name, inputs, List.of(convOut))
        .attr("kernel_shape", new long[] {kh, kw})
        .attr("strides", new long[] {sh, sw})
        .attr("pads", new long[] {padH[0], padW[0], padH[1], padW[1]})
        .attr("group", depthwise ? cin : 1);
    int[] shape = {cout, (in[1] + padH[0] + padH[1] - kh) / sh + 1, (in[2] + padW[0] + padW[1] - kw) / sw + 1};
    activate(name, convOut, out, activation);
    define(name, out, shape);
  }

  /** TF "same" pads so that out = ceil(in / stride), the odd pixel going after (bottom/right). */
  private static int[] tfPadding(String padding, int in, int kernel, int stride) {
    if ("valid".equals(padding)) {
      return new int[] {0, 0};
    }
    if (!"same".equals(padding)) {
      throw new IllegalArgumentException("Unsupported padding " + padding);
    }
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + kernel - in, 0);
    return new int[] {total / 2, total - total / 2};
  }

  private void batchNormalization(String name, String out, String from, Map<String, Object> cfg) {
    int channels = shapeOf.get(from)[0];
    Object axis = cfg.get("axis");
    if (!(axis instanceof Double a && (a == -1 || a == 3))) {
      throw new IllegalArgumentException("Only channel-last BatchNormalization is supported: " + name);
    }
    float[] gamma = Boolean.TRUE.equals(cfg.get("scale")) ? weight(name + "/gamma") : filled(channels, 1f);
    float[] beta = Boolean.TRUE.equals(cfg.get("center")) ? weight(name + "/beta") : filled(channels, 0f);
    graph.floats(name + "/gamma", gamma, channels);
    graph.floats(name + "/beta", beta, channels);
    graph.floats(name + "/mean", weight(name + "/moving_mean"), channels);
    graph.floats(name + "/var", weight(name + "/moving_variance"), channels);
    graph.node("BatchNormalization", name,
            List.of(tensorOf.get(from), name + "/gamma", name + "/beta", name + "/mean", name + "/var"),
            List.of(out))
        .attr("epsilon", ((Double) cfg.get("epsilon")).floatValue());
    define(name, out, shapeOf.get(from));
  }

  private void relu(String name, String out, String from, Map<String, Object> cfg) {
    double slope = cfg.get("negative_slope") == null ? 0 : (Double) cfg.get("negative_slope");
    double threshold = cfg.get("threshold") == null ? 0 : (Double) cfg.get("threshold");
    if (slope != 0 || threshold != 0) {
      throw new IllegalArgumentException("Only plain (capped) ReLU is supported: " + name);
    }
    Object max = cfg.get("max_value");
    if (max == null) {
      graph.node("Relu", name, List.of(tensorOf.get(from)), List.of(out));
    } else {
      graph.floats(name + "/min", new float[] {0f});
      graph.floats(name + "/max", new float[] {((Double) max).floatValue()});
      graph.node("Clip", name, List.of(tensorOf.get(from), name + "/min", name + "/max"), List.of(out));
    }
    define(name, out, shapeOf.get(from));
  }

  private void add(String name, String out, List<String> from) {
    String sum = tensorOf.get(from.get(0));
    for (int i = 1; i < from.size(); i++) {
      String target = i == from.size() - 1 ? out : name + "/sum" + i;
      graph.node("Add", name + (i == 1 ? "" : "/" + i), List.of(sum, tensorOf.get(from.get(i))), List.of(target));
      sum = target;
    }
    define(name, out, shapeOf.get(from.get(0)));
  }

  @SuppressWarnings("unchecked")
  private void averagePooling(String name, String out, String from, Map<String, Object> cfg) {
    int[] in = shapeOf.get(from);
    int ph = ((List<Double>) cfg.get("pool_size")).get(0).intValue();
    int pw = ((List<Double>) cfg.get("pool_size")).get(1).intValue();
    int sh = ((List<Double>) cfg.get("strides")).get(0).intValue();
    int sw = ((List<Double>) cfg.get("strides")).get(1).intValue();
    int[] padH = tfPadding((String) cfg.get("padding"), in[1], ph, sh);
    int[] padW = tfPadding((String) cfg.get("padding"), in[2], pw, sw);
    graph.node("AveragePool", name, List.of(tensorOf.get(from)), List.of(out))
        .attr("kernel_shape", new long[] {ph, pw})
        .attr("strides", new long[] {sh, sw})
        .attr("pads", new long[] {padH[0], padW[0], padH[1], padW[1]});
    define(name, out, new int[] {in[0], (in[1] + padH[0] + padH[1] - ph) / sh + 1, (in[2] + padW[0] + padW[1] - pw) / sw + 1});
  }

  /** Keras flattens channels-last (H, W, C order), so transpose back to NHWC before flattening. */
  private void flatten(String name, String out, String from) {
    int[] in = shapeOf.get(from);
    graph.node("Transpose", name + "/nhwc", List.of(tensorOf.get(from)), List.of(name + "/nhwc"))
        .attr("perm", new long[] {0, 2, 3, 1});
    graph.node("Flatten", name, List.of(name + "/nhwc"), List.of(out)).attr("axis", 1L);
    define(name, out, new int[] {in[0] * in[1] * in[2]});
  }

  private void dense(String name, String out, String from, Map<String, Object> cfg) {
    List<Integer> kernelShape = weightShapes.get(name + "/kernel");
    int units = kernelShape.get(1);
    graph.floats(name + "/W", weight(name + "/kernel"), kernelShape.get(0), units);
    List<String> inputs = new ArrayList<>(List.of(tensorOf.get(from), name + "/W"));
    if (Boolean.TRUE.equals(cfg.get("use_bias"))) {
      graph.floats(name + "/B", weight(name + "/bias"), units);
      inputs.add(name + "/B");
    }
    String activation = (String) cfg.get("activation");
    String gemmOut = "linear".equals(activation) ? out : name + "/gemm";
    graph.node("Gemm", name, inputs, List.of(gemmOut));
    activate(name, gemmOut, out, activation);
    define(name, out, new int[] {units});
  }

  private void activate(String name, String in, String out, String activation) {
    switch (activation) {
      case "linear" -> { }
      case "relu" -> graph.node("Relu", name + "/relu", List.of(in), List.of(out));
      case "softmax" -> graph.node("Softmax", name + "/softmax", List.of(in), List.of(out)).attr("axis", -1L);
      default -> throw new IllegalArgumentException("Unsupported activation " + activation + " in " + name);
    }
  }

  private void alias(String name, String from) {
    tensorOf.put(name, tensorOf.get(from));
    shapeOf.put(name, shapeOf.get(from));
  }

  private void define(String layer, String tensor, int[] shape) {
    tensorOf.put(layer, tensor);
    shapeOf.put(layer, shape);
  }

  private float[] weight(String name) {
    float[] w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("Missing weight " + name);
    }
    usedWeights++;
    return w;
  }

  private static float[] filled(int n, float value) {
    float[] a = new float[n];
    Arrays.fill(a, value);
    return a;
  }
}
