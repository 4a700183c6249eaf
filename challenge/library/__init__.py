"""The public solutions library: winning solutions, published with their creators' consent, and "We want this too"."""
