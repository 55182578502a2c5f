package io.simstream.cli.produce;

import io.simstream.cli.ConnectionOptions;
import io.simstream.cli.ExitCode;
import io.simstream.cli.http.ApiClient;
import io.simstream.cli.http.ApiException;
import io.simstream.cli.source.BadInputException;
import io.simstream.cli.source.CocoSource;
import io.simstream.cli.source.FolderSource;
import io.simstream.cli.source.ManifestSource;
import io.simstream.cli.source.SampleSource;
import io.simstream.cli.sync.ListingTopic;
import io.simstream.cli.sync.SyncDiff;
import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleKey;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.kafka.TopicAdmin;
import io.simstream.kafka.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code simstream produce}: a folder, manifest or COCO file becomes change events of a dataset. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Send the samples of a folder of images, a JSONL manifest or a COCO file as change events.")
public final class ProduceCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = {"-d", "--dataset"}, required = true, description = "Dataset name")
  String dataset;

  @ArgGroup(exclusive = true, multiplicity = "1")
  InputOptions input;

  /** Exactly one input. */
  static final class InputOptions {
    @Option(names = "--folder", paramLabel = "DIR", description = "Folder of images, read recursively")
    Path folder;

    @Option(names = "--manifest", paramLabel = "FILE", description = "JSONL manifest, one sample per line")
    Path manifest;

    @Option(names = "--coco", paramLabel = "FILE", description = "COCO detection JSON (images and annotations)")
    Path coco;
  }

  @Option(names = "--extensions", split = ",", paramLabel = "EXT",
      description = "Image file extensions of --folder (default: ${DEFAULT-VALUE})")
  List<String> extensions = FolderSource.DEFAULT_EXTENSIONS;

  @Option(names = "--uri-base", paramLabel = "URL",
      description = "Send imageUri as URL + path relative to the folder (default: the file's absolute file: URI)")
  String uriBase;

  @Option(names = "--coco-images", paramLabel = "DIR",
      description = "Folder the COCO file_name values are relative to (default: the COCO file's folder)")
  Path cocoImages;

  @Option(names = "--coco-field", paramLabel = "FIELD", description = "Label field of COCO patches (default: ${DEFAULT-VALUE})")
  String cocoField = "ground_truth";

  @Option(names = "--register-dataset", description = "Register the dataset first when it is not registered")
  boolean registerDataset;

  @Option(names = "--sync", description = "Make the dataset equal the input: send new and changed samples, delete the samples gone")
  boolean sync;

  @Option(names = "--resend", description = "With --sync: send unchanged samples too (restores samples other producers"
      + " deleted); samples gone are still deleted")
  boolean resend;

  @Option(names = "--allow-empty", description = "With --sync: let an input without samples delete every sample of the dataset")
  boolean allowEmpty;

  @Option(names = "--dry-run", description = "Read and check everything and say what would be sent; send nothing")
  boolean dryRun;

  @Option(names = "--wait", description = "Return once every change is searchable in every run of the dataset")
  boolean await;

  @Option(names = "--wait-timeout", paramLabel = "SECONDS",
      description = "Longest --wait, 1 to 604800 s (default: ${DEFAULT-VALUE})")
  long waitTimeoutSeconds = 600;

  /** A week: longer is a typo, and far longer overflowed the deadline's nanoseconds after everything was sent. */
  static final long MAX_WAIT_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();

  /**
   * Throws when the API refuses what --wait will ask (a wrong token, say), so that it is said before
   * the input is sent rather than after. An API not answering yet is left to the wait, which retries.
   */
  private void refusedByApi(ApiClient api) throws InterruptedException, ApiException {
    try {
      api.get("/v1/similarity?dataset=" + ApiClient.segment(dataset));
    } catch (ApiException e) {
      if (e.isClientError() && e.status() != 429) {
        throw e;
      }
    } catch (IOException unreachable) {
      // The wait reports it and retries until --wait-timeout.
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (allowEmpty && !sync) {
      throw new ParameterException(spec.commandLine(), "--allow-empty only applies with --sync");
    }
    if (resend && !sync) {
      throw new ParameterException(spec.commandLine(), "--resend only applies with --sync (without it every sample"
          + " is sent anyway)");
    }
    if (waitTimeoutSeconds < 1 || waitTimeoutSeconds > MAX_WAIT_TIMEOUT_SECONDS) {
      // Refused before anything is sent: 0 or less gave up as soon as the input was sent (exit 3).
      throw new ParameterException(spec.commandLine(), "--wait-timeout must be 1 to " + MAX_WAIT_TIMEOUT_SECONDS
          + " seconds (a week), not " + waitTimeoutSeconds);
    }
    SimstreamConfig config = connection.config();
    // Checked before anything is sent: a wrong --api found only when waiting would come after the whole input.
    ApiClient api = await && !dryRun ? connection.apiClient(config) : null;
    if (!SampleKey.isValidDatasetName(dataset)) {
      // Before --register-dataset could put it on the compacted datasets topic, where nothing removes it.
      throw new BadInputException("dataset name '" + dataset + "' is invalid: use " + SampleKey.DATASET_NAME_RULE);
    }
    if (api != null) {
      refusedByApi(api);
    }
    SampleSource source = source();
    long total = source.count();

    KafkaClientProperties kafka = config.kafkaClientProperties();
    Topics topics = Topics.from(config);
    ListingTopic listingTopic = new ListingTopic(config);
    // A dry run changes nothing: topics are only looked at, and one that is missing reads as empty.
    Set<String> existing = dryRun ? TopicAdmin.existingTopics(config) : null;
    if (!dryRun) {
      TopicAdmin.ensureTopics(config);
      listingTopic.ensureExists();
    }

    DatasetRegistration registration = new DatasetRegistration(kafka, topics.datasets());
    boolean registered = (!dryRun || existing.contains(topics.datasets().name())) && registration.isRegistered(dataset);
    if (!registered) {
      if (!registerDataset) {
        throw new BadInputException("dataset '" + dataset + "' is not registered: add --register-dataset, "
            + "or register it with POST /v1/datasets (events of unregistered datasets are dead-lettered)");
      }
      if (!dryRun) {
        registration.register(dataset);
        out.println("registered dataset '" + dataset + "'");
      }
    }

    SyncDiff diff = new SyncDiff(!dryRun || existing.contains(listingTopic.name()) ? listingTopic.read(dataset)
        : Map.of());
    Progress progress = new Progress(err, Progress.stderrIsTerminal(), total, System::nanoTime);
    err.println("reading " + source.describe() + " (" + total + " samples) into dataset '" + dataset + "'"
        + (dryRun ? ", dry run" : ""));

    try (EventSender sender = new EventSender(dataset, new ChangeEventProducer(kafka, topics.changes()),
        listingTopic.writer())) {
      SourceProducer.Outcome outcome;
      try {
        outcome = new SourceProducer(dataset, sync, sync && !resend, allowEmpty, dryRun, await, sender,
            progress).produce(source, diff);
      } catch (BadInputException e) {
        throw new BadInputException(e.getMessage() + "\n" + stoppedNote(sender), e);
      } catch (SendFailedException e) {
        throw new SendFailedException(e.getMessage() + "\n" + e.acknowledged() + " event(s) had been sent and "
            + "acknowledged before the failure; run the same command again to send the rest", e.acknowledged(), e);
      }
      progress.finish();
      out.println(String.format("%s %,d events to %s: %s (%,.0f events/s)", dryRun ? "would send" : "sent",
          outcome.tally().events(), topics.changes().name(), outcome.tally(), progress.eventsPerSecond()));
      if (source instanceof CocoSource coco) {
        if (coco.annotationsWithoutBox() > 0) {
          out.println("skipped " + coco.annotationsWithoutBox() + " COCO annotation(s) without a bbox");
        }
        if (coco.annotationsOfUnknownImages() > 0) {
          out.println("skipped " + coco.annotationsOfUnknownImages() + " COCO annotation(s) whose image_id names no image"
              + " of the file");
        }
        if (coco.emptyBoxes() > 0) {
          out.println("skipped " + coco.emptyBoxes() + " COCO annotation(s) whose box is empty inside the image");
        }
        if (coco.annotationsOfUnknownCategories() > 0) {
          out.println(coco.annotationsOfUnknownCategories() + " COCO annotation(s) have no label: their category_id"
              + " names no category of the file");
        }
      }
      if (await && !dryRun) {
        try {
          awaitSearchable(config, api, topics, sender, outcome, out);
        } catch (TimeoutException e) {
          err.println("simstream: --wait gave up after " + waitTimeoutSeconds + " s; " + e.getMessage());
          return ExitCode.WAIT_TIMED_OUT;
        }
      }
    }
    return ExitCode.OK;
  }

  /** --wait: the indexer took every event sent, then the changes are searchable in every run. */
  private void awaitSearchable(SimstreamConfig config, ApiClient api, Topics topics, EventSender sender,
                               SourceProducer.Outcome outcome, PrintWriter out)
      throws TimeoutException, IOException, InterruptedException, ApiException, ExecutionException {
    if (sender.highestOffsets().isEmpty()) {
      out.println("nothing was sent: nothing to wait for");
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(waitTimeoutSeconds).toNanos();
    new IndexerCommitWait(config.kafkaClientProperties(), config.get(Settings.INDEXER_APPLICATION_ID), topics.changes().name())
        .await(sender.highestOffsets(), deadline);
    new SearchableWait(api, out)
        .await(dataset, outcome.upserted(), outcome.deleted(), deadline);
  }

  private SampleSource source() throws BadInputException {
    if (input.folder != null) {
      return new FolderSource(input.folder, extensions, uriBase);
    }
    if (input.manifest != null) {
      return new ManifestSource(input.manifest);
    }
    Path images = cocoImages != null ? cocoImages : input.coco.toAbsolutePath().getParent();
    return new CocoSource(input.coco, images, uriBase, cocoField);
  }

  /** What was sent before bad input stopped the run: those events stand, and are listed. */
  private String stoppedNote(EventSender sender) {
    if (dryRun) {
      return "nothing was sent (dry run)";
    }
    try {
      sender.finish();
      return "stopped there: " + sender.acknowledged() + " event(s) had been sent before (they stand); nothing after "
          + "was sent" + (sync ? " and nothing was deleted" : "");
    } catch (SendFailedException e) {
      return "stopped there; sending the events before it failed too (" + e.getMessage() + "): "
          + e.acknowledged() + " event(s) were acknowledged";
    }
  }
}
