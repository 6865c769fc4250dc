"""The mapping pipeline: emission sources -> regions -> concordance -> driven shares -> bands ->
grid -> balance (:func:`.pipeline.map_footprint`), and the pieces it is made of."""
