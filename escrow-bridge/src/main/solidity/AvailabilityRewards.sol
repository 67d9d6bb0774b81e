// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {OracleQuorum} from "./OracleQuorum.sol";

/// @title Availability rewards: one oracle-signed Merkle root per epoch, one claim per node.
/// @notice For each epoch the oracles agree on every node's availability score (from the signed
/// heartbeats they verified), build a Merkle tree of (node, epoch, score) and sign its root with the
/// epoch's reward and the sum of the scores. A node's share is reward × score / total score, paid to
/// the provider the node is registered to when it claims (node keys live on the machines and should
/// not hold funds). Anyone may submit a claim: the proof is what authorizes it.
/// @dev Leaves are keccak256(bytes.concat(keccak256(abi.encode(node, epoch, score)))), pairs hashed
/// sorted — OpenZeppelin's StandardMerkleTree layout, which the bridge's RewardTree builds. The
/// double hash keeps a 64-byte inner node from passing as a leaf.
contract AvailabilityRewards is OracleQuorum, ReentrancyGuard {
    bytes32 private constant EPOCH_TYPEHASH =
        keccak256("EpochRewards(uint64 epoch,bytes32 root,uint64 totalScore,uint128 reward,uint64 deadline)");

    struct Epoch {
        bytes32 root;
        uint128 reward;
        /// What claims may still take: a root whose scores add up to more than its total cannot
        /// pay out more than its reward, whatever the oracles signed.
        uint128 remaining;
        uint64 totalScore;
        uint64 postedAt;
    }

    NodeRegistry public immutable registry;
    /// How long after posting an epoch can be claimed; then what is left returns to the pool.
    uint64 public immutable claimWindow;

    mapping(uint64 => Epoch) private _epochs;
    mapping(uint64 => mapping(address => bool)) public claimed;
    /// Funded ether not promised to any epoch.
    uint256 public unallocated;

    event Funded(address indexed from, uint256 amount);
    event EpochPosted(uint64 indexed epoch, bytes32 root, uint256 totalScore, uint256 reward);
    event RewardClaimed(
        uint64 indexed epoch, address indexed node, address indexed provider, uint64 score, uint256 amount
    );
    event EpochClosed(uint64 indexed epoch, uint256 returned);

    error ZeroAmount();
    error AttestationExpired(uint64 deadline);
    error EpochAlreadyPosted(uint64 epoch);
    error EpochNotPosted(uint64 epoch);
    error EmptyEpoch();
    error RewardTooLarge(uint256 reward, uint256 unallocated);
    error AlreadyClaimed(uint64 epoch, address node);
    error InvalidProof();
    error NodeNotRegistered(address node);
    error RewardExhausted(uint64 epoch, uint256 amount, uint256 remaining);
    error ClaimWindowClosed(uint64 epoch);
    error ClaimWindowOpen(uint64 epoch, uint256 closesAt);
    error TransferFailed();

    constructor(
        address governance,
        address[] memory oracles,
        uint256 threshold_,
        NodeRegistry registry_,
        uint64 claimWindow_
    ) OracleQuorum("aifabric AvailabilityRewards", governance, oracles, threshold_) {
        registry = registry_;
        claimWindow = claimWindow_;
    }

    /// Adds the ether sent to the reward pool.
    function fund() external payable {
        if (msg.value == 0) revert ZeroAmount();
        unallocated += msg.value;
        emit Funded(msg.sender, msg.value);
    }

    /// Posts an epoch's root, attested by M of N oracles, and sets its reward aside from the pool.
    function postEpoch(
        uint64 epoch,
        bytes32 root,
        uint64 totalScore,
        uint128 reward,
        uint64 deadline,
        bytes calldata signatures
    ) external {
        if (block.timestamp > deadline) revert AttestationExpired(deadline);
        if (_epochs[epoch].root != bytes32(0)) revert EpochAlreadyPosted(epoch);
        if (root == bytes32(0) || totalScore == 0) revert EmptyEpoch();
        if (reward > unallocated) revert RewardTooLarge(reward, unallocated);
        _requireQuorum(epochDigest(epoch, root, totalScore, reward, deadline), signatures);
        unallocated -= reward;
        _epochs[epoch] = Epoch(root, reward, reward, totalScore, uint64(block.timestamp));
        emit EpochPosted(epoch, root, totalScore, reward);
    }

    /// Pays `node`'s share of `epoch` to its provider, once.
    function claim(uint64 epoch, address node, uint64 score, bytes32[] calldata proof) external nonReentrant {
        Epoch storage e = _epochs[epoch];
        if (e.root == bytes32(0)) revert EpochNotPosted(epoch);
        if (block.timestamp > uint256(e.postedAt) + claimWindow) revert ClaimWindowClosed(epoch);
        if (claimed[epoch][node]) revert AlreadyClaimed(epoch, node);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(node, epoch, score))));
        if (!MerkleProof.verifyCalldata(proof, e.root, leaf)) revert InvalidProof();
        address provider = registry.providerOf(node);
        if (provider == address(0)) revert NodeNotRegistered(node);
        uint256 amount = uint256(e.reward) * score / e.totalScore;
        if (amount > e.remaining) revert RewardExhausted(epoch, amount, e.remaining);
        claimed[epoch][node] = true;
        e.remaining -= uint128(amount);
        emit RewardClaimed(epoch, node, provider, score, amount);
        (bool ok,) = provider.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// After the claim window anyone may return what an epoch's claims left to the pool.
    function closeEpoch(uint64 epoch) external {
        Epoch storage e = _epochs[epoch];
        if (e.root == bytes32(0)) revert EpochNotPosted(epoch);
        uint256 closesAt = uint256(e.postedAt) + claimWindow;
        if (block.timestamp <= closesAt) revert ClaimWindowOpen(epoch, closesAt);
        uint256 left = e.remaining;
        e.remaining = 0;
        unallocated += left;
        emit EpochClosed(epoch, left);
    }

    function epochOf(uint64 epoch) external view returns (Epoch memory) {
        return _epochs[epoch];
    }

    /// What the oracles sign to post an epoch.
    function epochDigest(uint64 epoch, bytes32 root, uint64 totalScore, uint128 reward, uint64 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(EPOCH_TYPEHASH, epoch, root, totalScore, reward, deadline)));
    }
}
