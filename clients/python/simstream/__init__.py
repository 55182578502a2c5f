"""Python client of the simstream query API, with the names of FiftyOne's similarity API.

    import simstream
    client = simstream.Client("http://localhost:8080")
    ds = client.dataset("coco-val")
    results = ds.sort_by_similarity("sample-1", k=10, brain_key="clip")
"""

from .client import Client
from .dataset import Dataset
from .errors import (BadRequestError, ConflictError, KafkaClientMissingError, MissingIdsError,
                     NotFoundError, ProduceError, SimstreamError, UnauthorizedError, UnavailableError)
from .models import Embedding, Hit, Image, Prompt, Run, SimilarityResults

__version__ = "0.1.0"

__all__ = [
    "BadRequestError", "Client", "ConflictError", "Dataset", "Embedding", "Hit", "Image", "KafkaClientMissingError",
    "MissingIdsError", "NotFoundError", "ProduceError", "Prompt", "Run", "SimilarityResults",
    "SimstreamError", "UnauthorizedError", "UnavailableError",
]
