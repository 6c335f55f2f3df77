"""mokmin: governed generative AI for Korean city governments."""
