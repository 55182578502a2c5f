package io.simstream.embedding;

import io.simstream.embedding.tools.OnnxGraphBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hand-made CLIP stand-in with real ONNX towers and a real tokenizer.json, so the CLIP loading
 * path runs end to end without CLIP weights. Its "space" is built so colour words match colours:
 * <ul>
 *   <li>image tower: mean of each normalised channel (GlobalAveragePool) projected to 4-d</li>
 *   <li>text tower: attention-masked mean of word embeddings; "red", "green", "blue" are set to the
 *       image tower's output for a pure red, green, blue image; every other token is zero</li>
 * </ul>
 * Random weights are never involved; this exists only for tests.
 */
final class TinyClipModel {

  static final int DIMENSIONS = 4;
  private static final List<String> WORDS = List.of("[UNK]", "red", "green", "blue", "a", "photo", "of", "something");
  private static final int START_ID = WORDS.size();
  private static final int END_ID = WORDS.size() + 1;
  private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private TinyClipModel() {}

  static Path writeTo(Path directory) {
    try {
      Files.createDirectories(directory);
      Files.write(directory.resolve("vision_model.onnx"), visionModel());
      Files.write(directory.resolve("text_model.onnx"), textModel());
      Files.writeString(directory.resolve("tokenizer.json"), tokenizerJson());
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] visionModel() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("tiny_clip_vision")
        .input("pixel_values", OnnxGraphBuilder.FLOAT, "batch", 3, 224, 224)
        .output("image_embeds", OnnxGraphBuilder.FLOAT, "batch", DIMENSIONS)
        .floats("projection", new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, 3, DIMENSIONS);
    g.node("GlobalAveragePool", "pool", List.of("pixel_values"), List.of("pooled"));
    g.node("Flatten", "flatten", List.of("pooled"), List.of("channels")).attr("axis", 1L);
    g.node("MatMul", "project", List.of("channels", "projection"), List.of("image_embeds"));
    return g.build(17, "simstream TinyClipModel");
  }

  static byte[] textModel() {
    int vocabulary = END_ID + 1;
    float[] table = new float[vocabulary * DIMENSIONS];
    for (int colour = 0; colour < 3; colour++) {
      for (int channel = 0; channel < 3; channel++) {
        float value = channel == colour ? 1f : 0f;
        table[(1 + colour) * DIMENSIONS + channel] = (value - MEAN[channel]) / STD[channel];
      }
    }
    OnnxGraphBuilder g = new OnnxGraphBuilder("tiny_clip_text")
        .input("input_ids", OnnxGraphBuilder.INT64, "batch", "sequence")
        .input("attention_mask", OnnxGraphBuilder.INT64, "batch", "sequence")
        .output("text_embeds", OnnxGraphBuilder.FLOAT, "batch", DIMENSIONS)
        .floats("token_embedding", table, vocabulary, DIMENSIONS)
        .longs("axis_2", new long[] {2}, 1)
        .longs("axis_1", new long[] {1}, 1);
    g.node("Gather", "embed", List.of("token_embedding", "input_ids"), List.of("tokens"));
    g.node("Cast", "mask_float", List.of("attention_mask"), List.of("mask")).attr("to", (long) OnnxGraphBuilder.FLOAT);
    g.node("Unsqueeze", "mask_3d", List.of("mask", "axis_2"), List.of("mask3"));
    g.node("Mul", "masked", List.of("tokens", "mask3"), List.of("masked_tokens"));
    g.node("ReduceSum", "sum_tokens", List.of("masked_tokens", "axis_1"), List.of("token_sum")).attr("keepdims", 0L);
    g.node("ReduceSum", "count_tokens", List.of("mask3", "axis_1"), List.of("token_count")).attr("keepdims", 0L);
    g.node("Div", "mean", List.of("token_sum", "token_count"), List.of("text_embeds"));
    return g.build(17, "simstream TinyClipModel");
  }

  /** Word-level tokenizer with CLIP's start/end tokens added around every prompt. */
  static String tokenizerJson() {
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < WORDS.size(); i++) {
      vocab.append('"').append(WORDS.get(i)).append("\": ").append(i).append(", ");
    }
    vocab.append("\"<|startoftext|>\": ").append(START_ID).append(", \"<|endoftext|>\": ").append(END_ID);
    return """
        {
          "version": "1.0",
          "truncation": null,
          "padding": null,
          "added_tokens": [
          {"id": %1$d, "content": "<|startoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
          {"id": %2$d, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
          ],
          "normalizer": {"type": "Lowercase"},
          "pre_tokenizer": {"type": "Whitespace"},
          "post_processor": {
          "type": "TemplateProcessing",
          "single": [{"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
          "pair": [{"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
          "special_tokens": {
            "<|startoftext|>": {"id": "<|startoftext|>", "ids": [%1$d], "tokens": ["<|startoftext|>"]},
            "<|endoftext|>": {"id": "<|endoftext|>", "ids": [%2$d], "tokens": ["<|endoftext|>"]}
          }
          },
          "decoder": null,
          "model": {"type": "WordLevel", "vocab": {%3$s}, "unk_token": "[UNK]"}
        }
        """.formatted(START_ID, END_ID, vocab);
  }
}
