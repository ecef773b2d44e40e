"""Evidence: sentences, their scores against a question, key phrases.

Below the review tasks and the extractive engine, both of which use it; it
knows nothing of models other than the encoder it scores with.
"""
