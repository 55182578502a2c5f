package io.simstream.api.search;

import io.simstream.api.elasticsearch.ElasticsearchStatusException;
import io.simstream.api.elasticsearch.IndexDocument;
import io.simstream.api.elasticsearch.VectorLookup;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.model.EmbeddingModel;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.api.model.ImageQueryEmbedder;
import io.simstream.api.model.TextEmbedder;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the query of a request into the one vector searched for: the stored vector of an id, the
 * mean of several (as the reference aggregates), a given vector, or an embedded image or text prompt.
 * Checks dims, and normalises for metrics that require unit vectors.
 */
final class QueryVectorResolver {
  private final VectorLookup lookup;
  private final EmbeddingModels models;

  QueryVectorResolver(VectorLookup lookup, EmbeddingModels models) {
    this.lookup = lookup;
    this.models = models;
  }

  /** The vector searched for, and where it lies relative to the documents. */
  record Resolved(float[] vector, QueryShape shape) {
  }

  Resolved resolve(SimilarityRun run, SortBySimilarityRequest request) {
    long given = Stream.of(request.id(), request.ids(), request.vector(), request.vectors(), request.image(),
        request.text()).filter(q -> q != null).count();
    if (given != 1) {
      throw new BadRequestException("give exactly one query: id, ids, vector, vectors, image or text (got " + given
          + ")");
    }
    float[] query;
    QueryShape shape = QueryShape.GIVEN;
    if (request.id() != null) {
      query = storedMean(run, List.of(request.id()));
      shape = QueryShape.STORED;
    } else if (request.ids() != null) {
      if (request.ids().isEmpty()) {
        throw new BadRequestException("ids is empty");
      }
      query = storedMean(run, request.ids());
      shape = new HashSet<>(request.ids()).size() == 1 ? QueryShape.STORED : QueryShape.MEAN;
    } else if (request.vector() != null) {
      query = checkDims(run, request.vector(), "vector");
    } else if (request.vectors() != null) {
      if (request.vectors().isEmpty()) {
        throw new BadRequestException("vectors is empty");
      }
      List<float[]> vectors = new ArrayList<>();
      for (int i = 0; i < request.vectors().size(); i++) {
        vectors.add(checkDims(run, request.vectors().get(i), "vectors[" + i + "]"));
      }
      query = VectorMath.mean(vectors);
      shape = vectors.size() == 1 ? QueryShape.GIVEN : QueryShape.MEAN;
    } else if (request.image() != null) {
      query = checkDims(run, embedImage(run, request.image()), "the embedded image");
    } else {
      query = checkDims(run, embed(run, request.text()), "the embedded text");
    }
    if (VectorMath.norm(query) == 0) {
      throw new BadRequestException("the query vector is all zeros, which has no direction to compare with");
    }
    // Cosine ignores the query's length, and Elasticsearch sums its squares in float: a vector of tiny values
    // (1e-30) has zero length there and the search was refused. Normalised here in double, it keeps its direction.
    boolean normalize = run.metric().normalizesVectors() || run.metric() == Metric.COSINE;
    return new Resolved(normalize ? VectorMath.normalized(query) : query, shape);
  }

  /** The mean stored vector of the ids that exist; 400 only when none does (as the reference). */
  private float[] storedMean(SimilarityRun run, List<String> ids) {
    Map<String, IndexDocument> found;
    try {
      found = lookup.byIds(run, ids);
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        throw new NotFoundException("index '" + run.indexName() + "' of run '" + run.key() + "' does not exist");
      }
      throw e;
    }
    if (found.isEmpty()) {
      throw new BadRequestException(ids.size() == 1
          ? "id '" + ids.get(0) + "' is not in the index of run '" + run.key() + "'"
          : "none of the " + ids.size() + " ids is in the index of run '" + run.key() + "'");
    }
    // An id given twice weighs twice, as in the reference (its lookup returns a document per id given).
    return VectorMath.mean(ids.stream().filter(found::containsKey).map(id -> found.get(id).vector()).toList());
  }

  private float[] embed(SimilarityRun run, String text) {
    if (text.isBlank()) {
      throw new BadRequestException("text is empty");
    }
    if (!run.supportsPrompts()) {
      throw new BadRequestException("run '" + run.key() + "' uses model '" + run.model()
          + "', which cannot embed text prompts; query by id, ids, vector or vectors");
    }
    TextEmbedder embedder = models.find(run.model()).flatMap(EmbeddingModel::text).orElseThrow(() -> new BadRequestException(
        "no text embedder for model '" + run.model() + "' is available in this API process"));
    return embedder.embed(text);
  }

  private float[] embedImage(SimilarityRun run, byte[] image) {
    if (image.length == 0) {
      throw new BadRequestException("image is empty");
    }
    if (run.isPrecomputed()) {
      throw new BadRequestException("run '" + run.key() + "' holds precomputed vectors: there is no model to embed"
          + " an image with; query by id, ids, vector or vectors");
    }
    ImageQueryEmbedder embedder = models.find(run.model()).flatMap(EmbeddingModel::image).orElseThrow(() ->
        new BadRequestException("no image embedder for model '" + run.model() + "' is available in this API process"));
    return embedder.embed(image);
  }

  private static float[] checkDims(SimilarityRun run, float[] vector, String what) {
    if (vector.length != run.dims()) {
      throw new BadRequestException(what + " has " + vector.length + " dims, but run '" + run.key() + "' has "
          + run.dims());
    }
    return vector;
  }
}
