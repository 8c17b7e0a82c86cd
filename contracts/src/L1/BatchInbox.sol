// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BatchInbox
/// @notice Where the batch submitter posts L2 batches, as calldata or as EIP-4844 blobs. The
///         data itself stays in the transaction; the inbox keeps, per batch, the hash of
///         that data and the L1 block it arrived in, under a running index, so that later
///         contracts (fraud proofs) can check batch data handed to them.
/// @dev    Derivation follows `BatchAppended` and reads the data from the emitting
///         transaction (its calldata's `data` argument, or its blobs), checking it against
///         `dataHash`; the batcher calls the inbox directly from an EOA.
contract BatchInbox {
    /// @notice Where a batch's data lives.
    enum DataKind {
        Calldata,
        Blobs
    }

    /// @notice One appended batch.
    /// @param dataHash      keccak256 of the calldata batch, or of the blobs' versioned
    ///                      hashes concatenated in order.
    /// @param l1BlockNumber The L1 block the batch arrived in.
    /// @param kind          Calldata or blobs.
    struct Batch {
        bytes32 dataHash;
        uint64 l1BlockNumber;
        DataKind kind;
    }

    /// @notice The only account that may append batches.
    address public immutable batcher;

    Batch[] private _batches;

    /// @notice Batch `index` appended; its data is in the emitting transaction.
    event BatchAppended(uint256 indexed index, bytes32 indexed dataHash, DataKind kind);

    modifier onlyBatcher() {
        require(msg.sender == batcher, "BatchInbox: only the batcher");
        _;
    }

    /// @param batcher_ The batch submitter's address.
    constructor(address batcher_) {
        require(batcher_ != address(0), "BatchInbox: batcher is zero");
        batcher = batcher_;
    }

    /// @notice Appends a batch carried in this call's calldata.
    /// @param data The batch (non-empty).
    function appendBatch(bytes calldata data) external onlyBatcher {
        require(data.length > 0, "BatchInbox: empty batch");
        _append(keccak256(data), DataKind.Calldata);
    }

    /// @notice Appends a batch carried in the blobs of this (type 3) transaction.
    function appendBlobBatch() external onlyBatcher {
        bytes32[] memory versionedHashes = _blobHashes();
        require(versionedHashes.length > 0, "BatchInbox: no blobs");
        _append(keccak256(abi.encodePacked(versionedHashes)), DataKind.Blobs);
    }

    /// @notice How many batches have been appended.
    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @notice Batch `index`.
    function getBatch(uint256 index) external view returns (Batch memory) {
        require(index < _batches.length, "BatchInbox: unknown batch");
        return _batches[index];
    }

    /// @dev Records a batch and announces it.
    function _append(bytes32 dataHash, DataKind kind) private {
        emit BatchAppended(_batches.length, dataHash, kind);
        _batches.push(Batch(dataHash, uint64(block.number), kind));
    }

    /// @dev The versioned hashes of this transaction's blobs, in order.
    function _blobHashes() private view returns (bytes32[] memory hashes) {
        uint256 count;
        while (blobhash(count) != bytes32(0)) ++count;
        hashes = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            hashes[i] = blobhash(i);
        }
    }
}
