import gc

from homeward.core.collection import YOUNG_THRESHOLD, fewer_collections


def test_collections_are_rare_within_the_block_and_as_before_after_it():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > 0  # what existed before is not scanned again
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_restored_when_the_work_fails():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise RuntimeError("the import stopped")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_within_the_block_are_still_collected():
    class Node:
        pass

    with fewer_collections():
        node = Node()
        node.self = node
        alive = len([o for o in gc.get_objects() if isinstance(o, Node)])
        del node
        gc.collect()
        assert alive == 1
        assert not [o for o in gc.get_objects() if isinstance(o, Node)]
