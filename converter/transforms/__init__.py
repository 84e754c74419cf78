"""Transforms that complete the model in order (pipeline.TRANSFORMS): redirects, anchors, links, images, ids."""
