"""The incentives pages (docs/incentives.md "Pages"): SPIFFs in ``spiffs``, points in ``points``."""
