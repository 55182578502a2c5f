package io.simstream.indexer.topology;

import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.event.Patch;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.DocumentSummary;
import io.simstream.indexer.write.WriteOp;
import io.simstream.run.SimilarityRun;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writes that make one run's index match one sample's current state. Documents are sample ids for
 * whole-sample runs and (sample id, label id) pairs for patch runs ({@link PatchDocumentId}), so every
 * document is versioned by the offsets of one sample, whose events share one partition. Every change
 * rewrites the documents with the current vector and {@link DocumentSummary}, so a change of the image
 * alone (or of a patch's label) reaches the index too.
 */
final class WritePlanner {
  private WritePlanner() {
  }

  /**
   * @param state           the current state, null when the sample is deleted
   * @param version         the external version of every write: the offset of the sample's latest event
   * @param removedLabelIds patches that left the sample (or changed field) since it was last written
   * @param computedKey     where the state keeps the vectors of the run's model ({@link RunVectors#raw})
   */
  static void plan(String sampleId, SampleState state, long version, Set<String> removedLabelIds,
                   SimilarityRun run, String computedKey, List<WriteOp> out) {
    if (!run.indexesPatches()) {
      float[] vector = state == null ? null
          : RunVectors.forIndex(run, RunVectors.raw(run, state.embeddings(), state.computed(), computedKey));
      out.add(vector == null ? WriteOp.delete(run, sampleId, version, sampleId)
          : WriteOp.index(run, sampleId, version, sampleId, null, vector, DocumentSummary.ofSample(state.imageUri())));
      return;
    }
    Set<String> written = new HashSet<>();
    if (state != null) {
      for (Patch patch : state.patches()) {
        if (patch.belongsTo(run.patchesField())) {
          float[] raw = RunVectors.raw(run, patch.embeddings(), state.computedFor(patch.labelId()), computedKey);
          float[] vector = RunVectors.forIndex(run, raw);
          String id = PatchDocumentId.of(sampleId, patch.labelId());
          out.add(vector == null ? WriteOp.delete(run, id, version, sampleId)
              : WriteOp.index(run, id, version, sampleId, patch.labelId(), vector,
                  DocumentSummary.ofPatch(state.imageUri(), patch)));
          written.add(patch.labelId());
        }
      }
    }
    // A removed label written above moved into this run's field: its write replaces the delete.
    for (String labelId : removedLabelIds) {
      if (!written.contains(labelId)) {
        out.add(WriteOp.delete(run, PatchDocumentId.of(sampleId, labelId), version, sampleId));
      }
    }
  }
}
